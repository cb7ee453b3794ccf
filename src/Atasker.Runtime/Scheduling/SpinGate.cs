using System.Threading;

namespace Atasker;

/// <summary>
/// A lock for critical sections of a few dozen instructions: one compare-and-swap to enter, one write to leave, no
/// thread lookup (the runtime's Monitor showed up in profiles of the per-task path). Contended callers spin, then
/// yield, then sleep. Nothing inside may wait for another thread; the one exception, rare, is a pool re-arming its
/// queue-wait timer. Not reentrant.
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

    public void Exit() => Volatile.Write(ref _held, 0);

    private void EnterContended()
    {
        var spinner = default(SpinWait);
        do
        {
            spinner.SpinOnce();
        }
        while (Volatile.Read(ref _held) != 0 || Interlocked.CompareExchange(ref _held, 1, 0) != 0);
    }
}
