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
public partial class TaskHandle
{
    // ---- Admission bookkeeping: read and written only under the lock of the pool the task belongs to. ----
    internal TaskHandle? QueueNext;
    internal TaskHandle? QueuePrev;
    internal AdmissionStatus Admission;
    internal QueueWaitReports WaitReports;
    internal long EnqueuedTicks;

    // ---- The task's place in its supervisor's registry (1-based; 0: not registered): read and written only under
    // the lock of its registry stripe. ----
    internal int RegistrySlot;

    // ---- Set once by Initialize, before the handle is published. The supervisor is the pool's owner. ----
    private PriorityAdmission _pool = null!;
    private string? _name;
    private long _id;
    private byte _priority; // a TaskPriority, and a TaskKind below: bytes keep the handle small (a handle per task)
    private byte _kind;

    // The lifecycle. Every move is a compare-and-swap, so exactly one party wins it:
    //   Delayed -> Queued (the delay timer) | Canceled (Cancel)
    //   Queued  -> Started (the runner)   | Canceled (Cancel)
    //   Started -> Completed | Faulted | Canceled (the runner, after the body returns or throws)
    // The outcome (the failure, in the extras; the result in TaskHandle<T>; _completedTicks) is written before the
    // final state is published, so anyone who reads a final state also sees the outcome.
    private int _state;
    private long _startedTicks;
    private long _completedTicks;

    // null until somebody asks for Completion, then the TaskCompletionSource behind it. The handshake: Finish
    // publishes the final state with a full fence and then reads this field; GetCompletionSourceTask publishes the
    // source with a compare-and-swap (a full fence) and then reads the state. So at least one of them sees the other
    // and completes the source (completing twice is harmless).
    private object? _completion;

    // The token source is created only when a body that observes cancellation starts. CancelRequested is set first by
    // Cancel and checked after the source is published, so a cancel racing the start is never lost.
    private CancellationTokenSource? _cancellation;
    private TaskExtras? _extras;

    // One-way flags, each set once with an interlocked OR (whoever sets it first wins):
    // - CancelRequested: by Cancel (see above);
    // - EndClaimed: by the one end of an admitted task (see EndOnce): an async body may be ended by its own completion
    //   and by a loop's stop abandoning it, a process task by its reply and by its worker's loss; the first ends the
    //   task (and gives its slot back), the others do nothing;
    // - FinishClaimed: by the one Finish that publishes the outcome;
    // - ObservesCancellation: set by Initialize, before the handle is published (the body takes a token).
    private int _flags;
    private const int CancelRequested = 1;
    private const int EndClaimed = 2;
    private const int FinishClaimed = 4;
    private const int ObservesCancellation = 8;

    private protected TaskHandle()
    {
    }

    /// <summary>A number unique among all tasks of this process.</summary>
    public long Id => _id;

    /// <summary>The name used in diagnostics: the method's name for generated stubs, or <see cref="TaskOptions.Name"/>.</summary>
    public string Name => _name ?? "task";

    /// <summary>The priority the task was submitted with.</summary>
    public TaskPriority Priority => (TaskPriority)_priority;

    /// <summary>Where the body runs.</summary>
    public TaskKind Kind => (TaskKind)_kind;

    /// <summary>The supervisor the task was submitted to.</summary>
    public TaskSupervisor Supervisor => _pool.Owner;

    /// <summary>Where the task is in its life.</summary>
    public TaskState State => (TaskState)Volatile.Read(ref _state);

    /// <summary>True once the task is <see cref="TaskState.Completed"/>, <see cref="TaskState.Faulted"/> or
    /// <see cref="TaskState.Canceled"/>.</summary>
    public bool IsFinished => IsFinal(Volatile.Read(ref _state));

    /// <summary>When the task was submitted.</summary>
    public DateTimeOffset QueuedAt => _pool.Clock.ToUtc(QueuedTicks);

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
            return Failure;
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

    private DateTimeOffset? ToTime(long timestamp) => timestamp == 0 ? null : _pool.Clock.ToUtc(timestamp);
}
