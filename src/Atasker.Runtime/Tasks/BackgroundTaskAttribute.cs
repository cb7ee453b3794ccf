using System;

namespace Atasker;

/// <summary>
/// Marks a partial method as a background task. The Atasker generator writes, beside it, <c>StartX(...)</c> and
/// <c>StartX(..., TaskOptions? options)</c> (X is the method's name without a trailing <c>Async</c>) that submit the
/// body to a <see cref="TaskSupervisor"/> and return a <see cref="TaskHandle"/> or <see cref="TaskHandle{T}"/>.
/// Calling the method itself still runs the body directly.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class BackgroundTaskAttribute : Attribute
{
    /// <summary>The priority the task is submitted with (default <see cref="TaskPriority.Normal"/>).</summary>
    public TaskPriority Priority { get; set; } = TaskPriority.Normal;

    /// <summary>Where the body runs. When not set, an awaitable body runs as <see cref="TaskKind.Async"/> and any
    /// other as <see cref="TaskKind.Thread"/>.</summary>
    public TaskKind Kind { get; set; } = TaskKind.Thread;

    /// <summary>The async loop an awaitable body runs on (the default loop when null). Ignored for sync bodies.</summary>
    public string? Loop { get; set; }

    /// <summary>Seconds to wait after submission before the task is queued; it holds no slot meanwhile. Must not be
    /// negative.</summary>
    public double Delay { get; set; }
}
