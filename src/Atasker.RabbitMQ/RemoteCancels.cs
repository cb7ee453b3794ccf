using System;
using System.Collections.Generic;
using System.Threading;

namespace Atasker;

/// <summary>
/// A remote worker's cancels from producers, by message id: the token source of each task running here, and the ids
/// canceled before their task arrived (remembered for 10 minutes, so a cancel that overtakes its task in the broker
/// still skips it). Thread-safe.
/// </summary>
internal sealed class RemoteCancels
{
    private static readonly TimeSpan Remember = TimeSpan.FromMinutes(10);

    private readonly object _gate = new();
    private readonly Dictionary<string, CancellationTokenSource> _running = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _canceledEarly = new(StringComparer.Ordinal);
    private int _pruneAt = 1024;

    /// <summary>Tracks a task that is about to run; false (and forgets the early cancel) when its producer canceled
    /// it already: then it must be skipped.</summary>
    public bool TryTrack(string id, CancellationTokenSource cancellation)
    {
        lock (_gate)
        {
            if (_canceledEarly.Remove(id))
            {
                return false;
            }

            _running[id] = cancellation;
            return true;
        }
    }

    /// <summary>The task has ended: a cancel for it from now on is an early one for nothing (pruned in time).</summary>
    public void Untrack(string id)
    {
        lock (_gate)
        {
            _running.Remove(id);
        }
    }

    /// <summary>Signals the running task's token, or remembers the cancel for when the task comes.</summary>
    public void Cancel(string id)
    {
        lock (_gate)
        {
            if (_running.TryGetValue(id, out var running))
            {
                _ = running.CancelAsync(); // the body's callbacks run elsewhere, not under this lock
                return;
            }

            long now = Environment.TickCount64;
            _canceledEarly[id] = now + (long)Remember.TotalMilliseconds;
            if (_canceledEarly.Count >= _pruneAt)
            {
                foreach (var (key, forgetAt) in _canceledEarly)
                {
                    if (forgetAt <= now)
                    {
                        _canceledEarly.Remove(key);
                    }
                }

                _pruneAt = Math.Max(1024, _canceledEarly.Count * 2);
            }
        }
    }
}
