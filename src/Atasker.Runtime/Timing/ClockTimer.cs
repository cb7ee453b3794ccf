using System;

namespace Atasker;

/// <summary>
/// A one-shot timer on a supervisor's clock, made once and armed again and again (a worker's wait, a pool's queue-wait
/// watchdog, a task's delay). Its callback runs on the clock's thread (or the test's, for a fake
/// <see cref="TimeProvider"/>), never inside <see cref="Arm"/>, and only for the latest arming that was not
/// disarmed; it must only hand work off (into a pool, onto a loop) and never block.
/// </summary>
internal abstract class ClockTimer
{
    private readonly Action<object?> _callback;
    private readonly object? _state;

    protected ClockTimer(Action<object?> callback, object? state)
    {
        _callback = callback;
        _state = state;
    }

    /// <summary>Arms the timer for <paramref name="due"/> (a timestamp of its clock), replacing any earlier arming.
    /// A due time already past fires as soon as the clock's thread gets to it.</summary>
    public abstract void Arm(long due);

    /// <summary>Disarms the timer; true when it was armed and will now not fire.</summary>
    public abstract bool Disarm();

    protected void Fire() => _callback(_state);
}
