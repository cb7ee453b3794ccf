using System.Threading;

namespace Atasker;

/// <summary>
/// A lock for critical sections of a few dozen instructions: one compare-and-swap to enter, one write to leave, no
/// thread lookup (the runtime's Monitor showed up in profiles of the per-task path). Contended callers spin, then
/// yield, and never sleep: a millisecond's sleep would make the clock thread, or a task's hand-off, a millisecond
/// late. Nothing inside may wait for another thread. Not reentrant.
/// </summary>
internal struct SpinGate
{
    private int _held;

    public void Enter()
    {
        if (Interlocked.CompareExchange(ref _held, 1, 0) != 0)
        {
            EnterContended();
        }
    }

    public void Exit()
    {
        System.Diagnostics.Debug.Assert(IsHeld, "SpinGate.Exit without Enter.");
        Volatile.Write(ref _held, 0);
    }

    /// <summary>Whether some thread holds the gate (for Debug.Assert: the gate does not know its owner).</summary>
    public bool IsHeld => Volatile.Read(ref _held) != 0;

    private void EnterContended()
    {
        var spinner = default(SpinWait);
        do
        {
            spinner.SpinOnce(sleep1Threshold: -1);
        }
        while (Volatile.Read(ref _held) != 0 || Interlocked.CompareExchange(ref _held, 1, 0) != 0);
    }
}
