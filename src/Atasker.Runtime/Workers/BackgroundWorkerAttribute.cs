using System;

namespace Atasker;

/// <summary>
/// Marks a partial method as the body of a background worker. The Atasker generator writes, beside it, a property
/// <c>XWorker</c> (X is the method's name without a trailing <c>Async</c>) holding one worker per instance (per type
/// for a static method), created on first use: a <see cref="QueueWorker{T}"/> when <see cref="Queue"/> is set (the
/// body's first parameter is the item), an <see cref="EventWorker"/> when <see cref="Event"/> is set, a
/// <see cref="CronWorker"/> when <see cref="Cron"/> is set, an <see cref="IntervalWorker"/> when <see cref="Interval"/>,
/// <see cref="Delay"/> or <see cref="DelayBefore"/> is set, and a <see cref="LoopWorker"/> otherwise.
/// </summary>
/// <remarks>The body may return <c>void</c>, <c>bool</c>, <c>Task</c>, <c>Task&lt;bool&gt;</c>, <c>ValueTask</c> or
/// <c>ValueTask&lt;bool&gt;</c> (returning false stops the worker) and may take a trailing
/// <see cref="System.Threading.CancellationToken"/>, the worker's token, canceled when it stops.</remarks>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class BackgroundWorkerAttribute : Attribute
{
    /// <summary>Seconds from the start of one execution to the start of the next (an interval worker). The first
    /// execution runs at <see cref="BackgroundWorker.Start"/>; one that overruns is followed at once, with no catch-up.</summary>
    public double Interval { get; set; }

    /// <summary>Seconds to pause after each execution ends.</summary>
    public double Delay { get; set; }

    /// <summary>Seconds to pause before each execution starts.</summary>
    public double DelayBefore { get; set; }

    /// <summary>Makes a queue worker: one execution per item put, in order; the body's first parameter is the item.</summary>
    public bool Queue { get; set; }

    /// <summary>How many items a queue worker holds before <c>Put</c> waits for room (0, the default: no limit).</summary>
    public int QueueCapacity { get; set; }

    /// <summary>Makes an event worker: one execution per <see cref="EventWorker.Trigger"/> (triggers that arrive while
    /// it runs cause exactly one more execution).</summary>
    public bool Event { get; set; }

    /// <summary>Makes a cron worker: executions at the occurrences of this cron expression (Cronos syntax: five fields, or
    /// six with seconds first), read in <see cref="TimeZone"/>. Not with <see cref="Queue"/>, <see cref="Event"/> or
    /// <see cref="Interval"/>; <see cref="Delay"/> and <see cref="DelayBefore"/> still apply.</summary>
    public string? Cron { get; set; }

    /// <summary>The time zone a <see cref="Cron"/> expression is read in: an IANA id such as <c>Europe/Berlin</c>, or a
    /// Windows id (UTC when null).</summary>
    public string? TimeZone { get; set; }

    /// <summary>The priority every execution is submitted with (default <see cref="TaskPriority.Normal"/>).</summary>
    public TaskPriority Priority { get; set; } = TaskPriority.Normal;

    /// <summary>Where executions run. When not set, an awaitable body runs as <see cref="TaskKind.Async"/> and any other
    /// as <see cref="TaskKind.Thread"/>. <see cref="TaskKind.Process"/> (on a static method) makes each execution a process
    /// task in the supervisor's process pool.</summary>
    public TaskKind Kind { get; set; } = TaskKind.Thread;

    /// <summary>The async loop an awaitable body runs on (the default loop when null). Ignored for sync bodies.</summary>
    public string? Loop { get; set; }

    /// <summary>The worker's name (default: <c>Type.Method</c>).</summary>
    public string? Name { get; set; }
}
