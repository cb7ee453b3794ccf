using System;
using System.Threading;

namespace Atasker;

/// <summary>
/// Per-submission settings. Every property left null falls back to the method's <see cref="BackgroundTaskAttribute"/>
/// (for generated stubs) or to the defaults: <see cref="TaskPriority.Normal"/>, no delay,
/// <see cref="TaskSupervisor.Default"/>.
/// </summary>
public sealed record TaskOptions
{
    /// <summary>Overrides the priority.</summary>
    public TaskPriority? Priority { get; init; }

    /// <summary>Overrides the delay before the task is queued. Must not be negative.</summary>
    public TimeSpan? Delay { get; init; }

    /// <summary>The supervisor to submit to (default <see cref="TaskSupervisor.Default"/>).</summary>
    public TaskSupervisor? Supervisor { get; init; }

    /// <summary>The async loop an awaitable body runs on.</summary>
    public string? Loop { get; init; }

    /// <summary>Cancels the task: a queued or delayed task never runs, a running one sees its token signalled.</summary>
    public CancellationToken CancellationToken { get; init; }

    /// <summary>A name for diagnostics (exceptions, <see cref="TaskHandle.ToString"/>); generated stubs name the
    /// task after its method.</summary>
    public string? Name { get; init; }
}
