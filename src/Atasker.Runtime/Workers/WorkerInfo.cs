using System;

namespace Atasker;

/// <summary>Which worker a <see cref="WorkerInfo"/> describes.</summary>
public enum WorkerType
{
    /// <summary>A <see cref="LoopWorker"/>: runs again as soon as an execution ends (after its delay).</summary>
    Loop,

    /// <summary>An <see cref="IntervalWorker"/>: runs at a fixed interval.</summary>
    Interval,

    /// <summary>A <see cref="QueueWorker{T}"/>: runs once per item put.</summary>
    Queue,

    /// <summary>An <see cref="EventWorker"/>: runs when triggered.</summary>
    Event,

    /// <summary>A <see cref="CronWorker"/>: runs at the occurrences of a cron expression.</summary>
    Cron,
}

/// <summary>A snapshot of a worker, in <see cref="SupervisorInfo.Workers"/>.</summary>
/// <param name="Name">The worker's name.</param>
/// <param name="Type">Which worker it is.</param>
/// <param name="IsActive">Whether it is started and not stopping.</param>
/// <param name="Executions">How many executions have ended (failed ones included).</param>
/// <param name="Failures">How many executions have failed.</param>
/// <param name="LastExecuted">When the last execution started, or null if none has.</param>
/// <param name="Queued">The items waiting in a queue worker (0 for the others).</param>
public sealed record WorkerInfo(
    string Name,
    WorkerType Type,
    bool IsActive,
    long Executions,
    long Failures,
    DateTimeOffset? LastExecuted,
    int Queued)
{
    /// <summary>When the next execution is due by the schedule: interval and cron workers while started; null
    /// otherwise.</summary>
    public DateTimeOffset? NextRun { get; init; }

    /// <summary>The priority of the worker's executions.</summary>
    public TaskPriority Priority { get; init; }

    /// <summary>Where the worker's executions run.</summary>
    public TaskKind Kind { get; init; }
}
