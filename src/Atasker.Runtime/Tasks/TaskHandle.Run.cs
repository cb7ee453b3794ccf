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

/// <content>The handle's life inside Atasker: initialized by its supervisor, begun and ended by its runner (through
/// <see cref="TaskRun"/>), its body invoked, its outcome published exactly once.</content>
public partial class TaskHandle
{
    // ---------------------------------------------------------------------------------------------------------
    // Used by the supervisor, the pools and the runners.

    internal PriorityAdmission Pool => _pool;

    /// <summary>When the task was submitted, in its supervisor's clock units: when it entered its pool's queue, unless
    /// a delay came first (then the extras remember the submission).</summary>
    internal long QueuedTicks => Volatile.Read(ref _extras) is { SubmittedTicks: not 0 and var submitted } ? submitted : EnqueuedTicks;

    /// <summary>What the body threw (kept with the extras: only failed tasks have one).</summary>
    private Exception? Failure => Volatile.Read(ref _extras)?.Failure;

    /// <summary>Whether the body began (the task reached Started at some point).</summary>
    internal bool HasStarted => Volatile.Read(ref _startedTicks) != 0;

    internal bool IsCancellationRequested => (Volatile.Read(ref _flags) & CancelRequested) != 0;

    /// <summary>The result as an object (null for tasks without one); throws like <see cref="Wait"/> when the task
    /// did not complete.</summary>
    internal virtual object? BoxedResult
    {
        get
        {
            ThrowIfUnsuccessful();
            return null;
        }
    }

    internal void Initialize(
        PriorityAdmission pool,
        long id,
        string? name,
        TaskPriority priority,
        TaskKind kind,
        bool observesCancellation,
        bool delayed)
    {
        _pool = pool;
        _id = id;
        _name = name;
        _priority = (byte)priority;
        _kind = (byte)kind;
        _flags = observesCancellation ? ObservesCancellation : 0;
        EnqueuedTicks = pool.Clock.Now;
        _state = delayed ? (int)TaskState.Delayed : (int)TaskState.Queued;
    }

    /// <summary>
    /// Runs the body on the calling thread (a runner's), finishes the handle, and returns the next task the pool
    /// admitted into the freed slot, for the caller to run at once (a hand-off without waking another thread).
    /// </summary>
    /// <param name="now">On entry, the time to record as the start (the caller just read it, or the previous task of a
    /// hand-off just ended); on return, when this task ended, for the next one.</param>
    internal TaskHandle? Execute(ref long now)
    {
        var run = TaskRun.Begin(this, now);
        if (!run.Begun)
        {
            return run.End(TaskState.Canceled, null, now, takeNext: true);
        }

        TaskState outcome;
        Exception? failure = null;
        try
        {
            InvokeBody((_flags & ObservesCancellation) != 0 ? CreateToken() : CancellationToken.None);
            outcome = TaskState.Completed;
        }
        catch (OperationCanceledException) when (IsCancellationRequested)
        {
            outcome = TaskState.Canceled;
        }
#pragma warning disable CA1031 // A task's failure, whatever its type, belongs on its handle, never on our thread.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            failure = exception;
            outcome = TaskState.Faulted;
        }

        run.LeaveTrace();
        now = _pool.Clock.Now;
        return run.End(outcome, failure, now, takeNext: true);
    }

    /// <summary>Moves an admitted task to Started, unless it was canceled meanwhile (see <see cref="TaskRun.Begin"/>).</summary>
    internal bool TryBegin(long now)
    {
        if (Interlocked.CompareExchange(ref _state, (int)TaskState.Started, (int)TaskState.Queued) != (int)TaskState.Queued)
        {
            return false;
        }

        // The caller may pass the end of the task before (a busy thread's clock read saved): never before this one
        // entered its queue.
        Volatile.Write(ref _startedTicks, Math.Max(now, EnqueuedTicks));
        return true;
    }

    /// <summary>
    /// Ends an admitted task, the first time only (see <see cref="TaskRun.End"/>): gives its slot back first (so
    /// whoever sees the handle end also sees the pool without it), then publishes the outcome. Returns the next task
    /// admitted into the slot when <paramref name="takeNext"/>.
    /// </summary>
    internal TaskHandle? EndOnce(TaskState outcome, Exception? failure, long now, bool takeNext)
    {
        // A task that began is finished by its end alone (a cancel finishes only a task that never began), so the end
        // claims the finish too: one interlocked operation per task instead of two.
        bool began = HasStarted;
        if ((Interlocked.Or(ref _flags, began ? EndClaimed | FinishClaimed : EndClaimed) & EndClaimed) != 0)
        {
            return null;
        }

        if (failure is not null)
        {
            Extras.Failure = failure;
        }

        var next = _pool.Release(takeNext, now);
        OnLeftRunner();
        if (began)
        {
            Publish(outcome, now);
        }
        else
        {
            Finish(outcome, now);
        }

        return next;
    }

    /// <summary>
    /// Starts an admitted async task's body on the calling thread (an async loop's) and returns when the body first
    /// yields; the task ends, and gives its slot back, when the awaitable it returned completes.
    /// </summary>
    internal void RunAsyncBody()
    {
        var run = TaskRun.Begin(this, _pool.Clock.Now);
        if (!run.Begun)
        {
            EndAsyncBody(TaskState.Canceled, null);
            return;
        }

        try
        {
            StartAsyncBody((_flags & ObservesCancellation) != 0 ? CreateToken() : CancellationToken.None);
        }
#pragma warning disable CA1031 // A task's failure, whatever its type, belongs on its handle.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            CompleteAsyncBody(exception);
        }
        finally
        {
            // The body's continuations carry its activity with them; the loop's thread goes on without it.
            run.LeaveTrace();
        }
    }

    /// <summary>Ends a started async task whose body (or the awaitable it returned) ended with
    /// <paramref name="failure"/>, or successfully when null.</summary>
    private protected void CompleteAsyncBody(Exception? failure)
    {
        if (failure is null)
        {
            EndAsyncBody(TaskState.Completed, null);
        }
        else if (failure is OperationCanceledException && IsCancellationRequested)
        {
            EndAsyncBody(TaskState.Canceled, null);
        }
        else
        {
            EndAsyncBody(TaskState.Faulted, failure);
        }
    }

    /// <summary>Ends an async task that a stopping loop gave up waiting for: a running one whose body ignored its token,
    /// or a canceled one its loop's thread never got to (the thread is blocked): Canceled, its slot given back. A later
    /// completion of its body, or the loop's thread reaching it, changes nothing.</summary>
    internal void Abandon()
    {
        if (State is TaskState.Started or TaskState.Canceled)
        {
            EndAsyncBody(TaskState.Canceled, null);
        }
    }

    /// <summary>Whether the async body's completion should store its result: false once the task was abandoned.</summary>
    private protected bool IsEndClaimed => (Volatile.Read(ref _flags) & EndClaimed) != 0;

    private void EndAsyncBody(TaskState outcome, Exception? failure) =>
        _ = EndOnce(outcome, failure, _pool.Clock.Now, takeNext: false);

    /// <summary>Starts an async body; implemented by the async handles, which call <see cref="CompleteAsyncBody"/>
    /// when the awaitable completes.</summary>
    private protected virtual void StartAsyncBody(CancellationToken cancellationToken) =>
        throw new InvalidOperationException($"{this} has no async body.");

    /// <summary>Whether whoever started the task reports its failure (a worker's execution): then the supervisor does
    /// not log it as a failure nobody waited for.</summary>
    private protected virtual bool ReportsOwnFailure => false;

    /// <summary>Called once the task has ended, before anyone waiting for it is woken.</summary>
    private protected virtual void OnFinished()
    {
    }

    /// <summary>Called once no runner holds the task any more (it gave the task's slot back, or never had it): an
    /// async loop forgets it then, so a stop that gives up on a blocked loop still finds the canceled tasks whose slots
    /// it holds.</summary>
    private protected virtual void OnLeftRunner()
    {
    }

    /// <summary>The task's cancellation token, created on first use; signalled by <see cref="Cancel"/>.</summary>
    internal CancellationToken CancellationToken => CreateToken();

    /// <summary>Runs the body and stores its result; implemented by the concrete handles.</summary>
    internal virtual void InvokeBody(CancellationToken cancellationToken) =>
        throw new InvalidOperationException($"{this} has no body.");

    private void OnDelayElapsed()
    {
        if (Interlocked.CompareExchange(ref _state, (int)TaskState.Queued, (int)TaskState.Delayed) == (int)TaskState.Delayed)
        {
            EnqueuedTicks = _pool.Clock.Now;
            _pool.Enqueue(this);
        }
    }

    private void RequestCancellation()
    {
        _ = Interlocked.Or(ref _flags, CancelRequested);
        Volatile.Read(ref _cancellation)?.Cancel();
    }

    private CancellationToken CreateToken()
    {
        if (Volatile.Read(ref _cancellation) is { } existing)
        {
            return existing.Token;
        }

        var source = new CancellationTokenSource();

        // The exchange is a full fence: either Cancel sees the source, or we see its request below.
        source = Interlocked.CompareExchange(ref _cancellation, source, null) ?? source;
        if (IsCancellationRequested)
        {
            source.Cancel();
        }

        return source.Token;
    }

    private void FinishCanceledBeforeStart() => Finish(TaskState.Canceled, _pool.Clock.Now);

    /// <summary>Publishes the outcome, leaves the supervisor's registry, and wakes everyone waiting for it.</summary>
    private void Finish(TaskState outcome, long now)
    {
        // Once: a task canceled after it was handed to a runner ends at the cancel, and again (for nothing) when the
        // runner gives its slot back.
        if ((Interlocked.Or(ref _flags, FinishClaimed) & FinishClaimed) != 0)
        {
            return;
        }

        Publish(outcome, now);
    }

    /// <summary>Publishes the outcome (the caller claimed the finish), leaves the registry, wakes the waiters.</summary>
    private void Publish(TaskState outcome, long now)
    {
        _completedTicks = now;

        // A full fence: the read of _extras below cannot move before the final state is visible, so extras created
        // concurrently (by StartDelay or LinkCancellation) either are seen here or see the final state themselves.
        Interlocked.Exchange(ref _state, (int)outcome);
        var extras = Volatile.Read(ref _extras);
        if (extras is not null)
        {
            extras.Release();
            if (extras.Activity is { } activity)
            {
                AtaskerTelemetry.StopTask(activity, outcome, extras.Failure);
            }
        }

        AtaskerTelemetry.OnFinished(this, outcome, QueuedTicks, Volatile.Read(ref _startedTicks), now);
        if (outcome == TaskState.Faulted && Volatile.Read(ref _completion) is null && !ReportsOwnFailure && _pool.Owner.Logger.IsEnabled(LogLevel.Warning))
        {
            // Logged if the handle is collected before anyone looked at the failure (as .NET does for Tasks).
            var faultExtras = Extras;
            lock (faultExtras)
            {
                faultExtras.UnobservedFault = new UnobservedFault(_pool.Owner.Logger, faultExtras.Failure!, _name ?? "task", _id, _pool.Owner.Id);
            }
        }

        OnFinished();
        _pool.Owner.Registry.Remove(this);

        if (Volatile.Read(ref _completion) is { } source)
        {
            CompleteSource(source);
        }
    }
}
