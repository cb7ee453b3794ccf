using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;

namespace Atasker;

// Longer than ~400 lines: admission, release, withdrawal, new limits and the ready queue all change the same counts
// and queues under one lock; kept together, every line that must keep an invariant sits beside the others that do (the
// checks themselves are in PriorityAdmission.Checks.cs).

/// <summary>
/// The reserve model, once for every pool: decides when a task may take a slot, keeps the ones that may not in
/// strict priority order (FIFO within a priority), and hands each freed slot to the next task at once.
/// </summary>
/// <remarks>
/// <para>With limits <c>(P, RN, RH)</c> a Low task may start while fewer than P tasks are active, Normal while fewer
/// than P + RN, High while fewer than P + RN + RH; Critical starts at once and counts. A task never overtakes a waiting
/// task of its own or a higher priority. Because the ceilings grow with priority and every change (a release, new
/// limits) admits whatever fits, the waiting tasks always satisfy: the most important waiting queue does not fit.
/// That is why withdrawing a waiting task never lets another start.</para>
/// <para>The lock is held only to count and link; runners are called after it is released. Admitted tasks are
/// chained through <see cref="TaskHandle.QueueNext"/> (free once a task leaves its wait queue), so admission
/// allocates nothing. For an <see cref="IReadyQueueRunner"/> the chain is the pool's ready queue: the tasks admitted
/// and not yet taken by a thread, in admission order, the one place that says what starts next.</para>
/// </remarks>
internal sealed partial class PriorityAdmission : IDisposable
{
    private const int WaitingPriorities = 3; // Low, Normal, High; Critical never waits.

    private SpinGate _gate;
    private readonly WaitQueue[] _waiting = [new(), new(), new()];
    private readonly IDispatchRunner? _runner;
    private readonly IReadyQueueRunner? _readyRunner;
    private readonly IQueueWaitObserver _observer;
    private readonly SupervisorClock _clock;

    // Guarded by _gate. The ready queue (pull runners only) is linked through QueueNext; _ready is also read
    // without the lock, as a hint.
    private PoolLimits _limits;
    private int _active;
    private int _queued;
    private TaskHandle? _readyHead;
    private TaskHandle? _readyTail;
    private int _ready;
    private long _ended; // tasks that gave their slot back
    private readonly long[] _waits = new long[QueueWaitHistogram.BucketCount]; // admissions by queue wait
    private ClockTimer? _watchdog;
    private long _watchdogDue; // timestamp the watchdog fires at; 0 when not armed
    private long _warningTicks = long.MaxValue; // queue-wait thresholds in timestamp units; MaxValue = off
    private long _criticalTicks = long.MaxValue;
    private bool _disposed;

    /// <summary>A pool whose admitted tasks are handed to <paramref name="runner"/> one by one.</summary>
    public PriorityAdmission(string name, PoolLimits limits, IDispatchRunner runner, IQueueWaitObserver observer, SupervisorClock clock)
        : this(name, limits, observer, clock) => _runner = runner;

    /// <summary>A pool whose admitted tasks wait in its ready queue for <paramref name="runner"/>'s threads.</summary>
    public PriorityAdmission(string name, PoolLimits limits, IReadyQueueRunner runner, IQueueWaitObserver observer, SupervisorClock clock)
        : this(name, limits, observer, clock) => _readyRunner = runner;

    /// <summary>The supervisor whose pool this is: the supervisor of every task in it.</summary>
    public required TaskSupervisor Owner { get; init; }

    /// <summary>The clock the pool and its tasks keep time on.</summary>
    public SupervisorClock Clock => _clock;

    private PriorityAdmission(string name, PoolLimits limits, IQueueWaitObserver observer, SupervisorClock clock)
    {
        Name = name;
        _limits = limits;
        _observer = observer;
        _clock = clock;
    }

    /// <summary>The pool's name in diagnostics: "thread", "async" or "process".</summary>
    public string Name { get; }

    /// <summary>Whether tasks wait for a slot (read without the lock: a hint, e.g. to give a slot back early).</summary>
    public bool HasWaiting => Volatile.Read(ref _queued) > 0;

    /// <summary>Whether admitted tasks wait in the ready queue for a thread (read without the lock: a hint).</summary>
    public bool HasReady => Volatile.Read(ref _ready) > 0;

    /// <summary>How many admitted tasks wait in the ready queue for a thread (read without the lock: a hint).</summary>
    public int ReadyCount => Volatile.Read(ref _ready);

    public PoolInfo GetInfo()
    {
        _gate.Enter();
        try
        {
            return new PoolInfo(_limits, _active, _queued)
            {
                Ended = _ended,
                QueueWaits = new QueueWaitHistogram((long[])_waits.Clone(), _clock.Frequency),
                QueuedByPriority = [_waiting[0].Count, _waiting[1].Count, _waiting[2].Count],
            };
        }
        finally
        {
            _gate.Exit();
        }
    }

    /// <summary>Admits <paramref name="item"/> now (handing it to the runner) or queues it by priority.</summary>
    public void Enqueue(TaskHandle item)
    {
        _gate.Enter();
        try
        {
            // Canceled on its way here (between the delay ending, or submission, and now): Cancel already ended it.
            if (item.State == TaskState.Canceled)
            {
                return;
            }

            if (!CanAdmit(item.Priority))
            {
                item.Admission = AdmissionStatus.Waiting;
                _waiting[(int)item.Priority].Enqueue(item);
                _queued++;
                if (_watchdogDue == 0)
                {
                    ArmWatchdog(SaturatingAdd(item.EnqueuedTicks, Math.Min(_warningTicks, _criticalTicks)));
                }

                return;
            }

            _active++;
            _waits[0]++;
            item.Admission = AdmissionStatus.Admitted;
            if (_readyRunner is not null)
            {
                AppendReady(item);
            }

            CheckLocked();
        }
        finally
        {
            _gate.Exit();
        }

        if (_readyRunner is not null)
        {
            _readyRunner.OnReady();
        }
        else
        {
            _runner!.Dispatch(item);
        }
    }

    /// <summary>Takes the task at the head of the ready queue (a thread is free to run it), or null.</summary>
    public TaskHandle? TakeReady()
    {
        if (!HasReady)
        {
            return null;
        }

        _gate.Enter();
        try
        {
            return TakeReadyLocked();
        }
        finally
        {
            _gate.Exit();
        }
    }

    /// <summary>
    /// Gives back one slot and admits whatever now fits. With <paramref name="takeNext"/> the caller (a thread that has
    /// just finished a task) runs a task itself instead of having it dispatched: for a ready-queue pool the head of
    /// the ready queue, so a task admitted earlier and still waiting for a thread starts before one admitted now.
    /// </summary>
    /// <param name="takeNext">Whether the caller runs the next task itself.</param>
    /// <param name="now">The current timestamp (the caller has just read it).</param>
    public TaskHandle? Release(bool takeNext, long now)
    {
        TaskHandle? admitted;
        TaskHandle? kept = null;
        bool moreReady = false;
        List<QueueWaitReport>? reports = null;
        _gate.Enter();
        try
        {
            _active--;
            _ended++;
            admitted = AdmitWaiting(now, ref reports, handOver: takeNext);
            if (_readyRunner is not null)
            {
                kept = takeNext ? admitted ?? TakeReadyLocked() : null;
                moreReady = _ready > 0;
            }

            CheckLocked();
        }
        finally
        {
            _gate.Exit();
        }

        Report(reports);
        if (_readyRunner is null)
        {
            return Dispatch(admitted, takeNext);
        }

        if (moreReady)
        {
            _readyRunner.OnReady();
        }

        return kept;
    }

    /// <summary>
    /// Takes a canceled task out of the pool: out of the wait queue, or out of the ready queue (its slot is given back,
    /// and whatever now fits is admitted). Returns false when a runner has it already (it will give the slot back
    /// when it gets to it), true otherwise.
    /// </summary>
    public bool Withdraw(TaskHandle item)
    {
        TaskHandle? admitted = null;
        List<QueueWaitReport>? reports = null;
        bool released = false;
        _gate.Enter();
        try
        {
            switch (item.Admission)
            {
                case AdmissionStatus.Admitted:
                    return false;
                case AdmissionStatus.Waiting:
                    _waiting[(int)item.Priority].Remove(item);
                    _queued--;
                    item.Admission = AdmissionStatus.None;
                    CheckLocked();
                    return true;
                case AdmissionStatus.Ready:
                    UnlinkReady(item);
                    _active--;
                    _ended++;
                    item.Admission = AdmissionStatus.None;
                    admitted = AdmitWaiting(_clock.Now, ref reports);
                    released = true;
                    CheckLocked();
                    break;
                default:
                    return true;
            }
        }
        finally
        {
            _gate.Exit();
        }

        Report(reports);
        if (released && HasReady)
        {
            _readyRunner!.OnReady();
        }

        return true;
    }

    /// <summary>Changes the limits; whatever now fits starts at once. Running tasks are never preempted.</summary>
    public void SetLimits(PoolLimits limits)
    {
        TaskHandle? admitted;
        List<QueueWaitReport>? reports = null;
        _gate.Enter();
        try
        {
            _limits = limits;
            admitted = AdmitWaiting(_clock.Now, ref reports);
            CheckLocked();
        }
        finally
        {
            _gate.Exit();
        }

        Report(reports);
        if (_readyRunner is null)
        {
            _ = Dispatch(admitted, takeNext: false);
        }
        else if (HasReady)
        {
            _readyRunner.OnReady();
        }
    }

    /// <summary>Stops the queue-wait watchdog (the supervisor is being disposed).</summary>
    public void Dispose()
    {
        _gate.Enter();
        try
        {
            _watchdog?.Disarm();
            _disposed = true;
        }
        finally
        {
            _gate.Exit();
        }
    }

    private bool CanAdmit(TaskPriority priority)
    {
        if (priority == TaskPriority.Critical || _limits.IsUnlimited)
        {
            return true;
        }

        if (_active >= _limits.CeilingFor(priority))
        {
            return false;
        }

        for (int waiting = (int)priority; waiting < WaitingPriorities; waiting++)
        {
            if (_waiting[waiting].Count > 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Admits waiting tasks while they fit, most important first: into the ready queue of a ready-queue pool
    /// (returns null, or the task handed over: see <paramref name="handOver"/>), otherwise returned chained through
    /// QueueNext.</summary>
    /// <param name="now">The current timestamp, for the queue waits.</param>
    /// <param name="reports">Queue waits past a threshold, to report after the lock.</param>
    /// <param name="handOver">For a ready-queue pool whose ready queue is empty: the first task admitted is returned
    /// instead, for the caller to run (what taking it from the ready queue would give, without going through it).</param>
    private TaskHandle? AdmitWaiting(long now, ref List<QueueWaitReport>? reports, bool handOver = false)
    {
        TaskHandle? first = null;
        TaskHandle? last = null;
        for (int priority = WaitingPriorities - 1; priority >= 0; priority--)
        {
            var queue = _waiting[priority];
            while (queue.Count > 0 && (_limits.IsUnlimited || _active < _limits.CeilingFor((TaskPriority)priority)))
            {
                var item = queue.Dequeue();
                _queued--;
                _active++;
                _waits[QueueWaitHistogram.BucketOf(now - item.EnqueuedTicks)]++;
                item.Admission = AdmissionStatus.Admitted;

                // Report a wait past a threshold that the watchdog has not caught yet (it runs on a timer).
                if (now - item.EnqueuedTicks >= _warningTicks)
                {
                    QueueWaitReport.AddIfNew(ref reports, item, QueueWaitLevel.Warning, now, _clock);
                }

                if (now - item.EnqueuedTicks >= _criticalTicks)
                {
                    QueueWaitReport.AddIfNew(ref reports, item, QueueWaitLevel.Critical, now, _clock);
                }

                if (_readyRunner is not null)
                {
                    if (handOver && first is null && _readyHead is null)
                    {
                        first = item;
                    }
                    else
                    {
                        AppendReady(item);
                    }

                    continue;
                }

                if (last is null)
                {
                    first = item;
                }
                else
                {
                    last.QueueNext = item;
                }

                last = item;
            }

            if (queue.Count > 0)
            {
                break; // Strict priority: nothing less important starts while this queue waits.
            }
        }

        return first;
    }

    private void AppendReady(TaskHandle item)
    {
        item.Admission = AdmissionStatus.Ready;
        item.QueueNext = null;
        item.QueuePrev = _readyTail;
        if (_readyTail is null)
        {
            _readyHead = item;
        }
        else
        {
            _readyTail.QueueNext = item;
        }

        _readyTail = item;

        // A full fence: a thread runner reads its searching and parked counts after this, and a thread about to
        // park reads the ready count after counting itself parked (see ThreadRunner.TryFindWork).
        Interlocked.Increment(ref _ready);
    }

    private TaskHandle? TakeReadyLocked()
    {
        var head = _readyHead;
        if (head is null)
        {
            return null;
        }

        UnlinkReady(head);
        head.Admission = AdmissionStatus.Admitted;
        return head;
    }

    /// <summary>Takes a task out of the ready queue (doubly linked through QueueNext and QueuePrev).</summary>
    private void UnlinkReady(TaskHandle item)
    {
        var next = item.QueueNext;
        var previous = item.QueuePrev;
        if (previous is null)
        {
            _readyHead = next;
        }
        else
        {
            previous.QueueNext = next;
        }

        if (next is null)
        {
            _readyTail = previous;
        }
        else
        {
            next.QueuePrev = previous;
        }

        item.QueueNext = null;
        item.QueuePrev = null;
        Volatile.Write(ref _ready, _ready - 1);
    }

    private TaskHandle? Dispatch(TaskHandle? chain, bool takeNext)
    {
        TaskHandle? kept = null;
        if (takeNext && chain is not null)
        {
            kept = chain;
            chain = chain.QueueNext;
            kept.QueueNext = null;
        }

        while (chain is not null)
        {
            var item = chain;
            chain = item.QueueNext;
            item.QueueNext = null;
            _runner!.Dispatch(item);
        }

        return kept;
    }
}
