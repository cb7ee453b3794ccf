using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Atasker;

/// <summary>
/// A one-shot "it has finished" signal (a stop, a drain) whose continuations run on the thread that sets it: the
/// steps of a stop follow each other on Atasker's own threads and never wait for a .NET ThreadPool thread. Blocking
/// waiters are woken directly; <see cref="Task"/> is for callers that await (their continuations are theirs).
/// </summary>
internal sealed class DoneSignal
{
    private readonly object _gate = new();

    // Guarded by _gate.
    private bool _done;
    private List<Action>? _continuations;
    private TaskCompletionSource? _task;

    /// <summary>A signal that is already set.</summary>
    public static DoneSignal Completed()
    {
        var signal = new DoneSignal();
        signal.Set();
        return signal;
    }

    public bool IsDone
    {
        get
        {
            lock (_gate)
            {
                return _done;
            }
        }
    }

    /// <summary>A task that completes when the signal is set (its continuations run asynchronously).</summary>
    public Task Task
    {
        get
        {
            lock (_gate)
            {
                if (_task is null)
                {
                    _task = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    if (_done)
                    {
                        _task.SetResult();
                    }
                }

                return _task.Task;
            }
        }
    }

    /// <summary>Sets the signal (once; later calls do nothing): runs the continuations on this thread, in the order
    /// they were added, and wakes the blocked waiters.</summary>
    public void Set()
    {
        List<Action>? continuations;
        lock (_gate)
        {
            if (_done)
            {
                return;
            }

            _done = true;
            continuations = _continuations;
            _continuations = null;

            // Before the blocked waiters wake, so that they see the task completed too. Its continuations run
            // asynchronously, so none runs here under the lock.
            _task?.TrySetResult();
            Monitor.PulseAll(_gate);
        }

        foreach (var continuation in continuations ?? [])
        {
            continuation();
        }
    }

    /// <summary>Runs <paramref name="continuation"/> when the signal is set: on the setting thread, or on this one
    /// now if it is set already.</summary>
    public void OnDone(Action continuation)
    {
        lock (_gate)
        {
            if (!_done)
            {
                (_continuations ??= []).Add(continuation);
                return;
            }
        }

        continuation();
    }

    /// <summary>Blocks until the signal is set.</summary>
    public void Wait()
    {
        lock (_gate)
        {
            while (!_done)
            {
                Monitor.Wait(_gate);
            }
        }
    }

    /// <summary>Runs <paramref name="then"/> once every signal in <paramref name="signals"/> is set (at once when
    /// there are none).</summary>
    public static void WhenAll(IReadOnlyCollection<DoneSignal> signals, Action then)
    {
        if (signals.Count == 0)
        {
            then();
            return;
        }

        int left = signals.Count;
        foreach (var signal in signals)
        {
            signal.OnDone(() =>
            {
                if (Interlocked.Decrement(ref left) == 0)
                {
                    then();
                }
            });
        }
    }
}
