using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;

namespace Atasker;

/// <content>What the pool checks and reports about itself: its invariants (asserted after every change in Debug builds, walked whole by <see cref="AssertInvariants"/>) and the queue-wait watchdog that reports tasks waiting past the thresholds.</content>
internal sealed partial class PriorityAdmission
{
    /// <summary>Sets the queue-wait thresholds (timestamp units, <see cref="long.MaxValue"/> for off) and looks at
    /// the waiting tasks again now.</summary>
    public void SetQueueWaitThresholds(long warning, long critical)
    {
        _gate.Enter();
        try
        {
            _warningTicks = warning;
            _criticalTicks = critical;
            if (_queued > 0)
            {
                _watchdogDue = 0;
                ArmWatchdog(_clock.Now);
            }
        }
        finally
        {
            _gate.Exit();
        }
    }

    /// <summary>
    /// Checks every invariant of the pool, walking its queues (O(n): for tests, between operations), and throws
    /// <see cref="InvalidOperationException"/> naming the first one broken: the counts match the queues; every waiting
    /// task is marked Waiting and in the queue of its priority, every ready one Ready, and the links run both ways; the
    /// ready tasks hold slots; and strict priority holds: the most important waiting queue does not fit.
    /// </summary>
    public void AssertInvariants()
    {
        _gate.Enter();
        try
        {
            int waiting = 0;
            for (int priority = 0; priority < WaitingPriorities; priority++)
            {
                waiting += _waiting[priority].Walk((TaskPriority)priority, Name);
            }

            Require(waiting == _queued, $"{waiting} tasks in the wait queues, {_queued} counted");
            int ready = 0;
            TaskHandle? previous = null;
            for (var item = _readyHead; item is not null; previous = item, item = item.QueueNext)
            {
                Require(item.Admission == AdmissionStatus.Ready, $"{item} in the ready queue is {item.Admission}");
                Require(item.QueuePrev == previous, $"{item} in the ready queue links back to {item.QueuePrev}, not {previous}");
                ready++;
            }

            Require(_readyTail == previous, $"the ready queue ends at {previous}, its tail says {_readyTail}");
            Require(ready == _ready, $"{ready} tasks in the ready queue, {_ready} counted");
            Require(_active >= _ready, $"{_ready} ready tasks but only {_active} slots taken");
            CheckLocked();
        }
        finally
        {
            _gate.Exit();
        }
    }

    /// <summary>The invariants that cost O(1), asserted (Debug builds) at the end of every change under the lock.</summary>
    [Conditional("DEBUG")]
    private void CheckLocked()
    {
        Debug.Assert(_gate.IsHeld, $"The {Name} pool's state was changed without its lock.");
        Debug.Assert(_active >= 0 && _queued >= 0 && _ready >= 0, $"The {Name} pool counts {_active} active, {_queued} waiting, {_ready} ready.");
        Debug.Assert(_queued == _waiting[0].Count + _waiting[1].Count + _waiting[2].Count, $"The {Name} pool counts {_queued} waiting tasks, its queues hold another number.");
        Debug.Assert(_queued == 0 || !CanAdmitWaiting(), $"A task waits in the {Name} pool although it fits (strict priority broken).");
    }

    /// <summary>Whether the most important waiting task would fit now (it never should between operations).</summary>
    private bool CanAdmitWaiting()
    {
        for (int priority = WaitingPriorities - 1; priority >= 0; priority--)
        {
            if (_waiting[priority].Count > 0)
            {
                return _limits.IsUnlimited || _active < _limits.CeilingFor((TaskPriority)priority);
            }
        }

        return false;
    }

    private void Require(bool condition, string broken)
    {
        if (!condition)
        {
            throw new InvalidOperationException($"The {Name} pool broke an invariant: {broken}.");
        }
    }

    private static long SaturatingAdd(long timestamp, long threshold) =>
        threshold == long.MaxValue ? long.MaxValue : timestamp + threshold;

    private void ArmWatchdog(long due)
    {
        if (_disposed || due == long.MaxValue || (_watchdogDue != 0 && _watchdogDue <= due))
        {
            return;
        }

        _watchdogDue = due;
        _watchdog ??= _clock.CreateTimer(static state => ((PriorityAdmission)state!).OnWatchdog(), this);
        _watchdog.Arm(due);
    }

    private void OnWatchdog()
    {
        List<QueueWaitReport>? reports = null;
        _gate.Enter();
        try
        {
            _watchdogDue = 0;
            long now = _clock.Now;
            long next = long.MaxValue;
            foreach (var queue in _waiting)
            {
                next = Math.Min(next, queue.CollectOverdue(QueueWaitLevel.Warning, now, _warningTicks, _clock, ref reports));
                next = Math.Min(next, queue.CollectOverdue(QueueWaitLevel.Critical, now, _criticalTicks, _clock, ref reports));
            }

            ArmWatchdog(next);
        }
        finally
        {
            _gate.Exit();
        }

        Report(reports);
    }

    private void Report(List<QueueWaitReport>? reports)
    {
        if (reports is null)
        {
            return;
        }

        foreach (var report in reports)
        {
            _observer.OnQueueWait(report.Task, report.Waited, report.Level, Name);
        }
    }
}
