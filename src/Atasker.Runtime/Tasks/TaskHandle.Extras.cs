using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;

namespace Atasker;

/// <content>What only some tasks need (a delay, a caller's token, tracing, an unobserved failure's report) and the
/// waits: the completion source behind <see cref="Completion"/> and the blocking waits over it.</content>
public partial class TaskHandle
{
    /// <summary>Arms the delay on the supervisor's clock, counted from submission: when it passes, the task is queued
    /// in its pool unless it was canceled meanwhile.</summary>
    internal void StartDelay(TimeSpan delay)
    {
        var extras = Extras;
        lock (extras)
        {
            // A task canceled before this point has already released its extras, so it gets no timer at all.
            if (!IsFinished)
            {
                var clock = _pool.Clock;
                extras.SubmittedTicks = EnqueuedTicks; // the delay's end will be the time it enters its queue
                extras.DelayTimer = clock.CreateTimer(static state => ((TaskHandle)state!).OnDelayElapsed(), this);
                extras.DelayTimer.Arm(extras.SubmittedTicks + clock.ToUnits(delay));
            }
        }
    }

    /// <summary>Remembers the submitter's activity as the parent of this task's, when someone listens.</summary>
    internal void CaptureTraceParent()
    {
        if (!AtaskerTelemetry.Source.HasListeners())
        {
            return;
        }

        var extras = Extras;
        lock (extras)
        {
            extras.Traced = true;
            extras.TraceParent = Activity.Current?.Context ?? default;
        }
    }

    /// <summary>Starts this task's activity, if it is traced, and makes it current until the returned scope ends
    /// (an untraced task touches no ambient state).</summary>
    internal TraceScope StartTrace()
    {
        if (Volatile.Read(ref _extras) is not { Traced: true } extras)
        {
            return default;
        }

        var previous = Activity.Current;
        extras.Activity = AtaskerTelemetry.StartTask(this, extras.TraceParent);
        return new TraceScope(true, previous);
    }

    /// <summary>Puts back the activity that was current before a task's started (the task's own activity ends with
    /// the task, see Finish).</summary>
    internal readonly struct TraceScope(bool started, Activity? previous)
    {
        public void End()
        {
            if (started)
            {
                Activity.Current = previous;
            }
        }
    }

    /// <summary>Links cancellation of the caller's token to <see cref="Cancel"/>.</summary>
    internal void LinkCancellation(CancellationToken token)
    {
        var registration = token.UnsafeRegister(static state => ((TaskHandle)state!).Cancel(), this);
        var extras = Extras;
        lock (extras)
        {
            if (IsFinished)
            {
                registration.Dispose();
            }
            else
            {
                extras.CallerRegistration = registration;
            }
        }
    }

    /// <summary>Creates the TaskCompletionSource behind <see cref="Completion"/>.</summary>
    private protected virtual object CreateCompletionSource() =>
        new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Gets the task of a source made by <see cref="CreateCompletionSource"/>.</summary>
    private protected virtual Task GetSourceTask(object source) => ((TaskCompletionSource)source).Task;

    /// <summary>Ends a source made by <see cref="CreateCompletionSource"/> with this handle's outcome.</summary>
    private protected virtual void CompleteSource(object source)
    {
        var completion = (TaskCompletionSource)source;
        switch (State)
        {
            case TaskState.Completed: completion.TrySetResult(); break;
            case TaskState.Faulted: completion.TrySetException(Failure!); break;
            default: completion.TrySetCanceled(CancellationTokenForOutcome); break;
        }
    }

    private protected CancellationToken CancellationTokenForOutcome =>
        Volatile.Read(ref _cancellation)?.Token ?? new CancellationToken(canceled: true);

    /// <summary>Throws what the task ended with, unless it completed.</summary>
    private protected void ThrowIfUnsuccessful()
    {
        MarkFailureObserved();
        switch (State)
        {
            case TaskState.Completed:
                return;
            case TaskState.Faulted:
                ExceptionDispatchInfo.Capture(Failure!).Throw();
                return;
            case TaskState.Canceled:
                throw new OperationCanceledException($"{this} was canceled.", CancellationTokenForOutcome);
            default:
                throw new InvalidOperationException(
                    $"{this} has not finished yet; await it or call Wait() before reading its result.");
        }
    }

    /// <summary>Blocks until the task ends, or throws <see cref="TimeoutException"/>.</summary>
    private protected void WaitForEnd(TimeSpan? timeout)
    {
        var limit = ValidateTimeout(timeout);
        if (IsFinished)
        {
            return;
        }

        if (!WaitIgnoringOutcome(Completion, limit))
        {
            throw new TimeoutException($"{this} did not finish within {limit}.");
        }
    }

    private Task GetCompletionSourceTask()
    {
        MarkFailureObserved();
        var source = Volatile.Read(ref _completion);
        if (source is null)
        {
            var created = CreateCompletionSource();
            source = Interlocked.CompareExchange(ref _completion, created, null) ?? created;
            if (IsFinished)
            {
                CompleteSource(source);
            }
        }

        return GetSourceTask(source);
    }

    private static TimeSpan ValidateTimeout(TimeSpan? timeout)
    {
        var value = timeout ?? Timeout.InfiniteTimeSpan;
        if (value < TimeSpan.Zero && value != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), value, "The timeout must be 0 or more, or infinite.");
        }

        return value;
    }

    private static bool WaitIgnoringOutcome(Task task, TimeSpan timeout)
    {
        try
        {
            return task.Wait(timeout);
        }
        catch (AggregateException)
        {
            return true; // It ended; the caller reads the outcome from the handle.
        }
    }

    private static TResult[] WaitAll<THandle, TResult>(IEnumerable<THandle> handles, TimeSpan? timeout, Func<THandle, TResult> result)
        where THandle : TaskHandle
    {
        ArgumentNullException.ThrowIfNull(handles);
        var limit = ValidateTimeout(timeout);

        // A list is waited on as it is (a copy of 200,000 handles is a large-object allocation per call).
        var list = handles as IReadOnlyList<THandle> ?? new List<THandle>(handles);
        for (int i = 0; i < list.Count; i++)
        {
            if (list[i] is null)
            {
                throw new ArgumentNullException(nameof(handles), $"The handle at position {i} is null.");
            }
        }

        // Waited for from the last: tasks tend to end in the order they were submitted, so by the time the last has
        // ended most others have too, and one blocking wait (one completion source) usually covers them all. The
        // results are taken in the same pass (one walk over the handles, not two); a failure is rethrown once every
        // task has ended, the first in input order.
        var deadline = limit == Timeout.InfiniteTimeSpan ? (long?)null : Environment.TickCount64 + (long)Math.Ceiling(limit.TotalMilliseconds);
        var results = new TResult[list.Count];
        int firstUnsuccessful = -1;
        for (int i = list.Count - 1; i >= 0; i--)
        {
            var handle = list[i];
            var left = deadline is { } end ? TimeSpan.FromMilliseconds(Math.Max(0, end - Environment.TickCount64)) : Timeout.InfiniteTimeSpan;
            if (!handle.IsFinished && !WaitIgnoringOutcome(handle.Completion, left))
            {
                int pending = 0;
                THandle? first = null;
                foreach (var other in list)
                {
                    if (!other.IsFinished)
                    {
                        pending++;
                        first ??= other;
                    }
                }

                throw new TimeoutException($"{pending} of {list.Count} tasks did not finish within {limit}; the first is {first ?? handle}.");
            }

            if (handle.State == TaskState.Completed)
            {
                results[i] = result(handle);
            }
            else
            {
                firstUnsuccessful = i;
            }
        }

        if (firstUnsuccessful >= 0)
        {
            _ = result(list[firstUnsuccessful]); // throws that task's failure
        }

        return results;
    }

    /// <summary>Someone looked at the failure (or asked for the Task that carries it): it is not reported as unobserved.</summary>
    private void MarkFailureObserved()
    {
        if (Volatile.Read(ref _extras) is { UnobservedFault: { } fault } extras)
        {
            extras.UnobservedFault = null;
            fault.Observed();
        }
    }

    /// <summary>Logs a failure nobody looked at, when its handle is collected.</summary>
    private sealed class UnobservedFault(ILogger logger, Exception exception, string name, long id, string supervisor)
    {
#pragma warning disable CA1816 // Not a Dispose: an observed failure needs no report.
        public void Observed() => GC.SuppressFinalize(this);
#pragma warning restore CA1816

        ~UnobservedFault()
        {
            try
            {
                Log.TaskFaulted(logger, exception, name, id, supervisor);
            }
#pragma warning disable CA1031 // A finalizer must not throw, whatever the logger does at shutdown.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
    }

    /// <summary>What only some tasks need: a delay timer and the submission time it started from, a link to the
    /// caller's cancellation token, a failure, and (while someone listens to the "Atasker" activity source) the
    /// submitter's activity and the task's own.</summary>
    private sealed class TaskExtras
    {
        public ClockTimer? DelayTimer;
        public long SubmittedTicks; // 0 unless the task was delayed
        public Exception? Failure;
        public CancellationTokenRegistration CallerRegistration;
        public UnobservedFault? UnobservedFault;
        public bool Traced;
        public ActivityContext TraceParent;
        public Activity? Activity;

        [SuppressMessage("Reliability", "CA2002", Justification = "A private class locked only by its owner, TaskHandle, which never hands it out.")]
        public void Release()
        {
            ClockTimer? timer;
            CancellationTokenRegistration registration;
            lock (this)
            {
                timer = DelayTimer;
                registration = CallerRegistration;
                DelayTimer = null;
                CallerRegistration = default;
            }

            timer?.Disarm();
            registration.Dispose();
        }
    }
}
