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

/// <summary>
/// One background task: its identity, state, timing and outcome. Await it (<c>await handle</c>), block on it with
/// <see cref="Wait"/>, or <see cref="Cancel"/> it. Every handle ends <see cref="TaskState.Completed"/>,
/// <see cref="TaskState.Faulted"/> or <see cref="TaskState.Canceled"/>.
/// </summary>
/// <remarks>Handles are created by a <see cref="TaskSupervisor"/> (directly or through generated <c>StartX</c>
/// stubs); they cannot be created or subclassed outside Atasker.</remarks>
[DebuggerDisplay("{ToString(),nq}")]
public class TaskHandle
{
    // ---- Admission bookkeeping: read and written only under the lock of the pool the task belongs to. ----
    internal TaskHandle? QueueNext;
    internal TaskHandle? QueuePrev;
    internal AdmissionStatus Admission;
    internal QueueWaitReports WaitReports;
    internal long EnqueuedTicks;

    // ---- Registry links: read and written only under the lock of the supervisor's registry stripe. ----
    internal TaskHandle? RegistryNext;
    internal TaskHandle? RegistryPrevious;

    // ---- Set once by Initialize, before the handle is published. ----
    private TaskSupervisor _supervisor = null!;
    private PriorityAdmission _pool = null!;
    private string? _name;
    private long _id;
    private long _queuedTicks;
    private TaskPriority _priority;
    private TaskKind _kind;
    private bool _observesCancellation;

    // The lifecycle. Every move is a compare-and-swap, so exactly one party wins it:
    //   Delayed -> Queued (the delay timer) | Canceled (Cancel)
    //   Queued  -> Started (the runner)   | Canceled (Cancel)
    //   Started -> Completed | Faulted | Canceled (the runner, after the body returns or throws)
    // The outcome fields (_exception, the result in TaskHandle<T>, _completedTicks) are written before the final
    // state is published, so anyone who reads a final state also sees the outcome.
    private int _state;
    private long _startedTicks;
    private long _completedTicks;
    private Exception? _exception;

    // null until somebody asks for Completion, then the TaskCompletionSource behind it. The handshake: Finish
    // publishes the final state with a full fence and then reads this field; GetCompletionSourceTask publishes the
    // source with a compare-and-swap (a full fence) and then reads the state. So at least one of them sees the other
    // and completes the source (completing twice is harmless).
    private object? _completion;

    // The token source is created only when a body that observes cancellation starts. _cancelRequested is set first
    // by Cancel and checked after the source is published, so a cancel racing the start is never lost.
    private CancellationTokenSource? _cancellation;
    private int _cancelRequested;
    private TaskExtras? _extras;

    // An async body may be ended twice: by its own completion and by a loop's stop abandoning it. The first to set
    // this ends the task (and gives its slot back); the other does nothing.
    private int _endClaimed;

    // Set by the one Finish that publishes the outcome (see Finish).
    private int _finishClaimed;

    private protected TaskHandle()
    {
    }

    /// <summary>A number unique among all tasks of this process.</summary>
    public long Id => _id;

    /// <summary>The name used in diagnostics: the method's name for generated stubs, or <see cref="TaskOptions.Name"/>.</summary>
    public string Name => _name ?? "task";

    /// <summary>The priority the task was submitted with.</summary>
    public TaskPriority Priority => _priority;

    /// <summary>Where the body runs.</summary>
    public TaskKind Kind => _kind;

    /// <summary>The supervisor the task was submitted to.</summary>
    public TaskSupervisor Supervisor => _supervisor;

    /// <summary>Where the task is in its life.</summary>
    public TaskState State => (TaskState)Volatile.Read(ref _state);

    /// <summary>True once the task is <see cref="TaskState.Completed"/>, <see cref="TaskState.Faulted"/> or
    /// <see cref="TaskState.Canceled"/>.</summary>
    public bool IsFinished => IsFinal(Volatile.Read(ref _state));

    /// <summary>When the task was submitted.</summary>
    public DateTimeOffset QueuedAt => _supervisor.Clock.ToUtc(_queuedTicks);

    /// <summary>When its body began, or null if it has not (yet).</summary>
    public DateTimeOffset? StartedAt => ToTime(Volatile.Read(ref _startedTicks));

    /// <summary>When it reached a final state, or null if it has not (yet).</summary>
    public DateTimeOffset? CompletedAt => IsFinished ? ToTime(_completedTicks) : null;

    /// <summary>What the body threw, when the task is <see cref="TaskState.Faulted"/>; otherwise null.</summary>
    public Exception? Exception
    {
        get
        {
            if (State != TaskState.Faulted)
            {
                return null;
            }

            MarkFailureObserved();
            return _exception;
        }
    }

    /// <summary>
    /// A <see cref="Task"/> that ends when this task ends: with its result, its exception, or canceled. The same
    /// instance on every call; created only when first asked for.
    /// </summary>
    public Task Completion => GetCompletionSourceTask();

    /// <summary>Lets <c>await handle</c> wait for the task; rethrows its failure, or
    /// <see cref="OperationCanceledException"/> when it was canceled.</summary>
    public TaskAwaiter GetAwaiter() => Completion.GetAwaiter();

    /// <summary>Awaits the task without (or with) resuming on the captured context.</summary>
    public ConfiguredTaskAwaitable ConfigureAwait(bool continueOnCapturedContext) =>
        Completion.ConfigureAwait(continueOnCapturedContext);

    /// <summary>
    /// Cancels the task. A task that has not started never will; a running task's cancellation token is signalled
    /// (the body decides whether to stop). Safe to call at any time, from any thread, any number of times.
    /// </summary>
    /// <returns>True when the task will never run (it was delayed or queued); false when it had already started or
    /// finished.</returns>
    public bool Cancel()
    {
        while (true)
        {
            int state = Volatile.Read(ref _state);
            if (state is not ((int)TaskState.Delayed or (int)TaskState.Queued))
            {
                RequestCancellation();
                return false;
            }

            if (Interlocked.CompareExchange(ref _state, (int)TaskState.Canceled, state) != state)
            {
                continue;
            }

            RequestCancellation();

            // The handle ends now, whoever holds the task: a delayed one nothing holds; a waiting or ready one its pool
            // gives up (with the slot, if it held one). One already handed to a runner keeps its slot until the
            // runner gets to it, sees the Canceled state and gives the slot back (its end then finds the handle
            // ended already).
            // A task no runner has is out of the runners' care now; one that a runner has leaves it when the
            // runner ends it.
            if (state == (int)TaskState.Delayed || _pool.Withdraw(this))
            {
                OnLeftRunner();
            }

            FinishCanceledBeforeStart();
            return true;
        }
    }

    /// <summary>Blocks until the task ends, then rethrows its failure (the original exception, not wrapped).</summary>
    /// <param name="timeout">How long to wait; null or <see cref="Timeout.InfiniteTimeSpan"/> waits for ever.</param>
    /// <exception cref="TimeoutException">The task did not end within <paramref name="timeout"/>.</exception>
    /// <exception cref="OperationCanceledException">The task was canceled.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative (and not infinite).</exception>
    public void Wait(TimeSpan? timeout = null)
    {
        WaitForEnd(timeout);
        ThrowIfUnsuccessful();
    }

    /// <summary>
    /// Waits for every handle, within one overall <paramref name="timeout"/>, and returns their results in input order
    /// (null for tasks without a result).
    /// </summary>
    /// <exception cref="TimeoutException">Some tasks had not ended when the timeout passed.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="handles"/> or one of its items is null.</exception>
    /// <remarks>When several tasks failed, the failure of the first one in input order is rethrown.</remarks>
    public static object?[] WaitCompleted(IEnumerable<TaskHandle> handles, TimeSpan? timeout = null) =>
        WaitAll(handles, timeout, static handle => handle.BoxedResult);

    /// <summary>
    /// Waits for every handle, within one overall <paramref name="timeout"/>, and returns their results in input order.
    /// </summary>
    /// <exception cref="TimeoutException">Some tasks had not ended when the timeout passed.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="handles"/> or one of its items is null.</exception>
    /// <remarks>When several tasks failed, the failure of the first one in input order is rethrown.</remarks>
    public static T[] WaitCompleted<T>(IEnumerable<TaskHandle<T>> handles, TimeSpan? timeout = null) =>
        WaitAll(handles, timeout, static handle => handle.Result);

    /// <inheritdoc />
    public override string ToString() => $"{Name} #{Id} ({State}, {Priority})";

    /// <summary>
    /// Cancels every task of a stop: those that have not started first, then the running ones. The other order would
    /// let a running task that ends at once on its token free a slot that admits a queued task about to be canceled.
    /// </summary>
    internal static void CancelAll(IReadOnlyCollection<TaskHandle> tasks)
    {
        foreach (bool started in (bool[])[false, true])
        {
            foreach (var task in tasks)
            {
                if ((task.State == TaskState.Started) != started)
                {
                    continue;
                }

                try
                {
                    task.Cancel();
                }
                catch (AggregateException)
                {
                    // A callback the body registered on its token threw; the token is canceled all the same.
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Used by the supervisor, the pools and the runners.

    internal PriorityAdmission Pool => _pool;

    /// <summary>When the task was submitted, in its supervisor's clock units.</summary>
    internal long QueuedTicks => _queuedTicks;

    /// <summary>Whether the body began (the task reached Started at some point).</summary>
    internal bool HasStarted => Volatile.Read(ref _startedTicks) != 0;

    internal bool IsCancellationRequested => Volatile.Read(ref _cancelRequested) != 0;

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
        TaskSupervisor supervisor,
        PriorityAdmission pool,
        long id,
        string? name,
        TaskPriority priority,
        TaskKind kind,
        bool observesCancellation,
        bool delayed)
    {
        _supervisor = supervisor;
        _pool = pool;
        _id = id;
        _name = name;
        _priority = priority;
        _kind = kind;
        _observesCancellation = observesCancellation;
        _queuedTicks = supervisor.Clock.Now;
        EnqueuedTicks = _queuedTicks;
        _state = delayed ? (int)TaskState.Delayed : (int)TaskState.Queued;
    }

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
                var clock = _supervisor.Clock;
                extras.DelayTimer = clock.CreateTimer(static state => ((TaskHandle)state!).OnDelayElapsed(), this);
                extras.DelayTimer.Arm(_queuedTicks + clock.ToUnits(delay));
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

    /// <summary>
    /// Runs the body on the calling thread (a runner's), finishes the handle, and returns the next task the pool
    /// admitted into the freed slot, for the caller to run at once (a hand-off without waking another thread).
    /// </summary>
    /// <param name="now">On entry, the time to record as the start (the caller just read it, or the previous task of a
    /// hand-off just ended); on return, when this task ended, for the next one.</param>
    internal TaskHandle? Execute(ref long now)
    {
        if (!TryBegin(now))
        {
            return End(TaskState.Canceled, null, now, takeNext: true);
        }

        TaskState outcome;
        Exception? failure = null;
        var trace = StartTrace();
        try
        {
            InvokeBody(_observesCancellation ? CreateToken() : CancellationToken.None);
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

        trace.End();
        now = _supervisor.Clock.Now;
        return End(outcome, failure, now, takeNext: true);
    }

    /// <summary>Moves an admitted task to Started, unless it was canceled meanwhile (then the runner must still
    /// <see cref="End"/> it, as Canceled, to give its slot back).</summary>
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
    /// Ends an admitted task: gives its slot back first (so whoever sees the handle end also sees the pool without it),
    /// then publishes the outcome. Returns the next task admitted into the slot when <paramref name="takeNext"/>.
    /// </summary>
    internal TaskHandle? End(TaskState outcome, Exception? failure, long now, bool takeNext)
    {
        if (failure is not null)
        {
            _exception = failure;
        }

        var next = _pool.Release(takeNext, now);
        OnLeftRunner();
        Finish(outcome, now);
        return next;
    }

    /// <summary>
    /// Starts an admitted async task's body on the calling thread (an async loop's) and returns when the body first
    /// yields; the task ends, and gives its slot back, when the awaitable it returned completes.
    /// </summary>
    internal void RunAsyncBody()
    {
        if (!TryBegin(_supervisor.Clock.Now))
        {
            EndAsyncBody(TaskState.Canceled, null);
            return;
        }

        var trace = StartTrace();
        try
        {
            StartAsyncBody(_observesCancellation ? CreateToken() : CancellationToken.None);
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
            trace.End();
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
    private protected bool IsEndClaimed => Volatile.Read(ref _endClaimed) != 0;

    private void EndAsyncBody(TaskState outcome, Exception? failure)
    {
        if (Interlocked.Exchange(ref _endClaimed, 1) == 0)
        {
            _ = End(outcome, failure, _supervisor.Clock.Now, takeNext: false);
        }
    }

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
            case TaskState.Faulted: completion.TrySetException(_exception!); break;
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
                ExceptionDispatchInfo.Capture(_exception!).Throw();
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

    private void OnDelayElapsed()
    {
        if (Interlocked.CompareExchange(ref _state, (int)TaskState.Queued, (int)TaskState.Delayed) == (int)TaskState.Delayed)
        {
            EnqueuedTicks = _supervisor.Clock.Now;
            _pool.Enqueue(this);
        }
    }

    private void RequestCancellation()
    {
        Interlocked.Exchange(ref _cancelRequested, 1);
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

    private void FinishCanceledBeforeStart() => Finish(TaskState.Canceled, _supervisor.Clock.Now);

    /// <summary>Publishes the outcome, lets the supervisor forget the task, and wakes everyone waiting for it.</summary>
    private void Finish(TaskState outcome, long now)
    {
        // Once: a task canceled after it was handed to a runner ends at the cancel, and again (for nothing) when the
        // runner gives its slot back.
        if (Interlocked.Exchange(ref _finishClaimed, 1) != 0)
        {
            return;
        }

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
                AtaskerTelemetry.StopTask(activity, outcome, _exception);
            }
        }

        AtaskerTelemetry.OnFinished(this, outcome, _queuedTicks, Volatile.Read(ref _startedTicks), now);
        if (outcome == TaskState.Faulted && Volatile.Read(ref _completion) is null && !ReportsOwnFailure && _supervisor.Logger.IsEnabled(LogLevel.Warning))
        {
            // Logged if the handle is collected before anyone looked at the failure (as .NET does for Tasks).
            var faultExtras = Extras;
            lock (faultExtras)
            {
                faultExtras.UnobservedFault = new UnobservedFault(_supervisor.Logger, _exception!, _name ?? "task", _id, _supervisor.Id);
            }
        }

        OnFinished();
        _supervisor.OnTaskFinished(this);

        if (Volatile.Read(ref _completion) is { } source)
        {
            CompleteSource(source);
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

    private TaskExtras Extras
    {
        get
        {
            var extras = Volatile.Read(ref _extras);
            if (extras is null)
            {
                extras = new TaskExtras();
                extras = Interlocked.CompareExchange(ref _extras, extras, null) ?? extras;
            }

            return extras;
        }
    }

    private static bool IsFinal(int state) =>
        state is (int)TaskState.Completed or (int)TaskState.Faulted or (int)TaskState.Canceled;

    private DateTimeOffset? ToTime(long timestamp) => timestamp == 0 ? null : _supervisor.Clock.ToUtc(timestamp);

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
        var list = new List<THandle>(handles);
        for (int i = 0; i < list.Count; i++)
        {
            if (list[i] is null)
            {
                throw new ArgumentNullException(nameof(handles), $"The handle at position {i} is null.");
            }
        }

        var deadline = limit == Timeout.InfiniteTimeSpan ? (long?)null : Environment.TickCount64 + (long)Math.Ceiling(limit.TotalMilliseconds);
        foreach (var handle in list)
        {
            var left = deadline is { } end ? TimeSpan.FromMilliseconds(Math.Max(0, end - Environment.TickCount64)) : Timeout.InfiniteTimeSpan;
            if (!handle.IsFinished && !WaitIgnoringOutcome(handle.Completion, left))
            {
                int pending = 0;
                foreach (var other in list)
                {
                    pending += other.IsFinished ? 0 : 1;
                }

                throw new TimeoutException($"{pending} of {list.Count} tasks did not finish within {limit}; the first is {handle}.");
            }
        }

        var results = new TResult[list.Count];
        for (int i = 0; i < list.Count; i++)
        {
            results[i] = result(list[i]);
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

    /// <summary>What only some tasks need: a delay timer, a link to the caller's cancellation token, and (while
    /// someone listens to the "Atasker" activity source) the submitter's activity and the task's own.</summary>
    private sealed class TaskExtras
    {
        public ClockTimer? DelayTimer;
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
