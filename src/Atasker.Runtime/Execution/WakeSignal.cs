using System;
using System.Threading;

namespace Atasker;

/// <summary>
/// A counting semaphore that parks without spinning first: a wait blocks at once unless a release is already there.
/// The thread runner's parked threads wait on it: they spun (searched) before parking already, and a
/// <see cref="SemaphoreSlim"/> spins again before it blocks; with more parked threads than cores those spins take
/// the CPU the producer and the running tasks need.
/// </summary>
internal sealed class WakeSignal
{
    private readonly object _lock = new();
    private int _count;
    private int _waiters;

    /// <summary>Lets <paramref name="count"/> waits through (now, or the next ones to come).</summary>
    public void Release(int count = 1)
    {
        lock (_lock)
        {
            _count += count;
            for (int i = 0; i < Math.Min(count, _waiters); i++)
            {
                Monitor.Pulse(_lock);
            }
        }
    }

    /// <summary>Takes one release, waiting up to <paramref name="timeout"/> for it (infinite by default).</summary>
    /// <returns>False when the timeout passed first.</returns>
    public bool Wait(TimeSpan? timeout = null)
    {
        long deadline = timeout is { } limit && limit != Timeout.InfiniteTimeSpan ? Environment.TickCount64 + (long)limit.TotalMilliseconds : long.MaxValue;
        lock (_lock)
        {
            while (_count == 0)
            {
                int left = deadline == long.MaxValue ? Timeout.Infinite : (int)Math.Clamp(deadline - Environment.TickCount64, 0, int.MaxValue);
                if (left == 0)
                {
                    return false;
                }

                _waiters++;
                try
                {
                    _ = Monitor.Wait(_lock, left);
                }
                finally
                {
                    _waiters--;
                }
            }

            _count--;
            return true;
        }
    }
}
