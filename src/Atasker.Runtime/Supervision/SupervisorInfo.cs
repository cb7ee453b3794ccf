using System.Collections.Generic;

namespace Atasker;

/// <summary>A snapshot of a supervisor and its pools, from <see cref="TaskSupervisor.GetInfo"/>.</summary>
/// <param name="Id">The supervisor's id.</param>
/// <param name="IsActive">Whether it is running (started and not stopping).</param>
/// <param name="Thread">The pool of thread tasks.</param>
/// <param name="Async">The pool of async tasks.</param>
/// <param name="Process">The pool of process tasks.</param>
/// <param name="Loops">The names of its async loops.</param>
public sealed record SupervisorInfo(
    string Id,
    bool IsActive,
    PoolInfo Thread,
    PoolInfo Async,
    PoolInfo Process,
    IReadOnlyList<string> Loops)
{
    /// <summary>The workers started on the supervisor and not stopped, in the order they started.</summary>
    public IReadOnlyList<WorkerInfo> Workers { get; init; } = [];
}
