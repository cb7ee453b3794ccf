using System;

namespace Atasker;

/// <summary>Why a worker waits: for its next due time (cut short by a signal), or a delay before or after an
/// execution (never cut short).</summary>
internal enum WorkerWaitReason
{
    None,
    Due,
    Before,
    After,
}

/// <summary>
/// A worker's one wait in progress, as a timer on its supervisor's clock: the clock's thread hands the worker back to
/// its pump, so a starved .NET ThreadPool delays no execution. Used under the worker's gate only.
/// </summary>
internal sealed class WorkerWait(Action<object?> onFired, object owner)
{
    private ClockTimer? _timer;
    private SupervisorClock? _clock;
    private long _until;

    /// <summary>What the worker waits for now (None: nothing).</summary>
    public WorkerWaitReason Reason { get; private set; }

    /// <summary>Waits until <paramref name="until"/> on <paramref name="clock"/> (a restart on another supervisor
    /// gets a timer on that one's clock).</summary>
    public void Arm(WorkerWaitReason reason, long until, SupervisorClock clock)
    {
        Reason = reason;
        _until = until;
        if (_clock != clock)
        {
            _timer?.Disarm();
            _timer = clock.CreateTimer(onFired, owner);
            _clock = clock;
        }

        _timer!.Arm(until);
    }

    /// <summary>Ends the wait in progress, if any.</summary>
    public void Disarm()
    {
        if (Reason != WorkerWaitReason.None)
        {
            Reason = WorkerWaitReason.None;
            _timer?.Disarm();
        }
    }

    /// <summary>The timer fired: true when the wait is over (the worker then looks for work); false when it fired for
    /// nothing (disarmed meanwhile) or early, for an earlier wait (then it is armed again).</summary>
    public bool TryEnd()
    {
        if (Reason == WorkerWaitReason.None)
        {
            return false;
        }

        if (_clock!.Now < _until)
        {
            _timer!.Arm(_until);
            return false;
        }

        Reason = WorkerWaitReason.None;
        return true;
    }
}
