using System;
using System.Threading;

namespace Atasker;

/// <summary>A worker's counters: written by the worker (executions under its gate), read lock-free by anyone.</summary>
internal sealed class WorkerCounters
{
    private long _executions;
    private long _failures;
    private long _lastExecuted;

    public long Executions => Interlocked.Read(ref _executions);

    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>When the last execution started, on the supervisor's coarse clock; 0 if none has.</summary>
    public long LastExecuted => Interlocked.Read(ref _lastExecuted);

    /// <summary>Counts an ended execution; called under the worker's gate only, so a plain increment is published.</summary>
    public void CountExecution() => Volatile.Write(ref _executions, _executions + 1);

    public void CountFailure() => Interlocked.Increment(ref _failures);

    // A millisecond clock: read once per execution, it must cost next to nothing (a queue worker's item is ~50 ns).
    // A plain write: executions of a worker never overlap, so one thread at a time writes it, and a reader wants a
    // recent time, not a fence (an interlocked exchange here was a locked instruction per queue item).
    public void MarkExecuted(SupervisorClock clock) => Volatile.Write(ref _lastExecuted, clock.CoarseNow);

    public DateTimeOffset? LastExecutedOn(SupervisorClock? clock) =>
        LastExecuted is var started and not 0 && clock is not null ? clock.CoarseToUtc(started) : null;
}
