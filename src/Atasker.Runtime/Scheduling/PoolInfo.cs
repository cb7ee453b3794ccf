using System.Collections.Generic;

namespace Atasker;

/// <summary>A snapshot of one pool.</summary>
/// <param name="Limits">The pool's limits.</param>
/// <param name="Active">Tasks admitted and not yet finished (Critical ones included).</param>
/// <param name="Queued">Tasks waiting for a slot (delayed tasks are not counted: they hold nothing yet).</param>
public sealed record PoolInfo(PoolLimits Limits, int Active, int Queued)
{
    /// <summary>Tasks that held a slot and gave it back (ended, or were canceled while admitted), since the supervisor
    /// was made: the difference between two snapshots over the time between them is the pool's throughput.</summary>
    public long Ended { get; init; }

    /// <summary>How long the admitted tasks had waited for their slot, since the supervisor was made (a task admitted at
    /// once counts as 0); <see cref="QueueWaitHistogram.Since"/> gives an interval's.</summary>
    public QueueWaitHistogram QueueWaits { get; init; } = QueueWaitHistogram.Empty;

    /// <summary>The waiting tasks by priority: Low, Normal, High (Critical ones never wait).</summary>
    public IReadOnlyList<int> QueuedByPriority { get; init; } = [0, 0, 0];
}
