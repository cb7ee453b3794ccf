using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Atasker;

/// <summary>
/// A bounded pool of async workers with the API of Python's <c>concurrent.futures</c> executors: at most
/// <see cref="MaxWorkers"/> bodies run at once, the rest wait in submission order. <see cref="Submit{T}(Func{Task{T}})"/>
/// returns a <see cref="Task{TResult}"/> (use it with <c>await</c>, <see cref="Task.WhenAll(Task[])"/>,
/// <see cref="Task.WhenAny(Task[])"/>); <c>Map</c> runs a function over one or two sources and yields the results in
/// input order.
/// </summary>
/// <remarks>
/// <para>Bodies start on the .NET thread pool, in the execution context of their submitter (as with
/// <see cref="Task.Run(Func{Task})"/>); an executor created on an <see cref="AsyncLoop"/>'s thread starts them on that
/// loop instead. A worker that finishes a body takes the next waiting one itself. A failing body fails only its own
/// task.</para>
/// <para>Every member is thread-safe. Every returned task ends: with the body's result or failure, or canceled (its
/// token was canceled while it waited, or a shutdown canceled pending work).</para>
/// </remarks>
public sealed class TaskPoolExecutor : IAsyncDisposable
{
    private static int s_lastNumber;

    private readonly Gate _gate = new();
    private readonly LoopSynchronizationContext? _loop;

    // Guarded by _gate. _running counts workers with an item (at most MaxWorkers); an idle worker object is kept for
    // the next item. Items canceled while queued stay in the queue until a worker skips them.
    private readonly Queue<TaskPoolWork> _queue = new();
    private readonly Stack<Worker> _idle = new();
    private int _running;
    private int _workersCreated;
    private bool _shutdown;
    private TaskCompletionSource? _drained;

    /// <summary>Creates an executor.</summary>
    /// <param name="maxWorkers">How many bodies may run at once; default <see cref="Environment.ProcessorCount"/>.</param>
    /// <param name="taskNamePrefix">A name for diagnostics; default <c>TaskPoolExecutor-N</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxWorkers"/> is 0 or negative.</exception>
    public TaskPoolExecutor(int? maxWorkers = null, string? taskNamePrefix = null)
    {
        if (maxWorkers is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxWorkers), maxWorkers, "maxWorkers must be greater than 0 (or null for Environment.ProcessorCount).");
        }

        MaxWorkers = maxWorkers ?? Environment.ProcessorCount;
        TaskNamePrefix = taskNamePrefix ?? $"TaskPoolExecutor-{Interlocked.Increment(ref s_lastNumber)}";
        _loop = SynchronizationContext.Current as LoopSynchronizationContext;
    }

    /// <summary>How many bodies may run at once.</summary>
    public int MaxWorkers { get; }

    /// <summary>The executor's name in diagnostics; its workers are named after it.</summary>
    public string TaskNamePrefix { get; }

    /// <summary>Worker objects made so far: a worker is reused for the next item rather than replaced (tests).</summary>
    internal int WorkersCreated
    {
        get
        {
            lock (_gate)
            {
                return _workersCreated;
            }
        }
    }

    /// <summary>Runs <paramref name="fn"/> when a worker is free and returns a task of its result.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="fn"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The executor was shut down.</exception>
    /// <remarks>A body that returns a null task faults its task with <see cref="InvalidOperationException"/>.</remarks>
    public Task<T> Submit<T>(Func<Task<T>> fn)
    {
        ArgumentNullException.ThrowIfNull(fn);
        var work = new TaskPoolCall<T>(fn);
        Enqueue(work);
        return work.TypedCompletion;
    }

    /// <summary>
    /// Runs <paramref name="fn"/> when a worker is free and returns a task of its result. Cancelling
    /// <paramref name="cancellationToken"/> before the body starts cancels the task (the body never runs); after, the
    /// body sees it through the token it receives.
    /// </summary>
    /// <inheritdoc cref="Submit{T}(Func{Task{T}})"/>
    public Task<T> Submit<T>(Func<CancellationToken, Task<T>> fn, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fn);
        var work = new TaskPoolCall<T>(fn, cancellationToken);
        Enqueue(work);
        return work.TypedCompletion;
    }

    /// <summary>Runs <paramref name="fn"/> when a worker is free and returns a task that ends with it.</summary>
    /// <inheritdoc cref="Submit{T}(Func{Task{T}})"/>
    public Task Submit(Func<Task> fn)
    {
        ArgumentNullException.ThrowIfNull(fn);
        var work = new TaskPoolCall<VoidResult>(fn);
        Enqueue(work);
        return work.Completion;
    }

    /// <inheritdoc cref="Submit{T}(Func{CancellationToken, Task{T}}, CancellationToken)"/>
    public Task Submit(Func<CancellationToken, Task> fn, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fn);
        var work = new TaskPoolCall<VoidResult>(fn, cancellationToken);
        Enqueue(work);
        return work.Completion;
    }

    /// <summary>
    /// Runs <paramref name="fn"/> over <paramref name="source"/> and yields the results in input order. Without
    /// <paramref name="bufferSize"/> every item is submitted now; with it, that many are submitted now and one more each
    /// time the consumer asks for a result (so at most <paramref name="bufferSize"/> + 1 are in flight while it waits),
    /// which suits large or endless sources.
    /// </summary>
    /// <remarks>
    /// <para>An item's failure is thrown at its position; when that happens, or the consumer stops early (leaves its
    /// <c>await foreach</c>, or cancels the token given to <c>WithCancellation</c>), the items not yet yielded are
    /// canceled: those still waiting never run. A failure of the source itself is thrown after the results of the
    /// items read before it. The result can be enumerated once.</para>
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="fn"/> or <paramref name="source"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bufferSize"/> is 0 or negative.</exception>
    /// <exception cref="InvalidOperationException">The executor was shut down.</exception>
    public IAsyncEnumerable<TR> Map<T, TR>(Func<T, Task<TR>> fn, IEnumerable<T> source, int? bufferSize = null)
    {
        ArgumentNullException.ThrowIfNull(fn);
        ArgumentNullException.ThrowIfNull(source);
        return TaskPoolMap<T, TR>.Start(this, fn, new SyncSource<T>(source), bufferSize);
    }

    /// <summary>Runs <paramref name="fn"/> over pairs of <paramref name="s1"/> and <paramref name="s2"/> (stopping at
    /// the shorter) and yields the results in input order.</summary>
    /// <inheritdoc cref="Map{T, TR}(Func{T, Task{TR}}, IEnumerable{T}, int?)"/>
    /// <exception cref="ArgumentNullException"><paramref name="fn"/>, <paramref name="s1"/> or <paramref name="s2"/> is null.</exception>
    public IAsyncEnumerable<TR> Map<T1, T2, TR>(Func<T1, T2, Task<TR>> fn, IEnumerable<T1> s1, IEnumerable<T2> s2, int? bufferSize = null)
    {
        ArgumentNullException.ThrowIfNull(fn);
        ArgumentNullException.ThrowIfNull(s1);
        ArgumentNullException.ThrowIfNull(s2);
        return TaskPoolMap<(T1, T2), TR>.Start(this, pair => fn(pair.Item1, pair.Item2), new SyncSource<(T1, T2)>(Zip(s1, s2)), bufferSize);
    }

    /// <summary>Runs <paramref name="fn"/> over an async <paramref name="source"/> and yields the results in input
    /// order. The source is read in the background from now on (with <paramref name="bufferSize"/>: as far as the
    /// buffer allows).</summary>
    /// <inheritdoc cref="Map{T, TR}(Func{T, Task{TR}}, IEnumerable{T}, int?)"/>
    public IAsyncEnumerable<TR> Map<T, TR>(Func<T, Task<TR>> fn, IAsyncEnumerable<T> source, int? bufferSize = null)
    {
        ArgumentNullException.ThrowIfNull(fn);
        ArgumentNullException.ThrowIfNull(source);
        return TaskPoolMap<T, TR>.Start(this, fn, new AsyncSource<T>(source), bufferSize);
    }

    /// <summary>
    /// Stops accepting work. Queued items still run, unless <paramref name="cancelPending"/> cancels them; running
    /// bodies always finish. Idempotent; a later call may add <paramref name="cancelPending"/>.
    /// </summary>
    /// <param name="wait">Whether the returned task waits until every accepted item has ended.</param>
    /// <param name="cancelPending">Whether to cancel the items that have not started.</param>
    /// <remarks>Awaiting <c>ShutdownAsync(wait: true)</c> inside one of the executor's own bodies never completes: the
    /// shutdown waits for that body.</remarks>
    public Task ShutdownAsync(bool wait = true, bool cancelPending = false)
    {
        TaskPoolWork[] canceled = [];
        Task drained;
        lock (_gate)
        {
            _shutdown = true;
            _drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            drained = _drained.Task;
            if (cancelPending)
            {
                canceled = [.. _queue];
                _queue.Clear();
            }

            if (_running == 0 && _queue.Count == 0)
            {
                _drained.TrySetResult();
            }
        }

        foreach (var work in canceled)
        {
            work.TryCancel();
        }

        return wait ? drained : Task.CompletedTask;
    }

    /// <summary>Shuts down and waits for every accepted item: <c>ShutdownAsync()</c>.</summary>
    public ValueTask DisposeAsync() => new(ShutdownAsync());

    /// <inheritdoc />
    public override string ToString() => $"TaskPoolExecutor '{TaskNamePrefix}' (max {MaxWorkers} workers)";

    /// <summary>Whether the executor was shut down.</summary>
    internal bool IsShutDown
    {
        get
        {
            lock (_gate)
            {
                return _shutdown;
            }
        }
    }

    /// <summary>Throws when the executor no longer accepts work.</summary>
    internal void ThrowIfShutDown()
    {
        lock (_gate)
        {
            if (_shutdown)
            {
                throw ShutDownError();
            }
        }
    }

    /// <summary>Accepts an item: a free worker takes it now, otherwise it waits its turn.</summary>
    internal void Enqueue(TaskPoolWork work)
    {
        Worker? worker = null;
        lock (_gate)
        {
            if (_shutdown)
            {
                throw ShutDownError();
            }

            if (_running < MaxWorkers)
            {
                _running++;
                worker = TakeWorker();
            }
            else
            {
                _queue.Enqueue(work);
            }
        }

        work.WatchCancellation();
        if (worker is null)
        {
            return;
        }

        worker.Begin(work);
        if (_loop is not null)
        {
            _loop.Post(static worker => ((Worker)worker!).Execute(), worker);
        }
        else
        {
            ThreadPool.UnsafeQueueUserWorkItem(worker, preferLocal: false);
        }
    }

    private InvalidOperationException ShutDownError() => new($"{this} was shut down; no new work is accepted.");

    private static IEnumerable<(T1, T2)> Zip<T1, T2>(IEnumerable<T1> first, IEnumerable<T2> second)
    {
        using var left = first.GetEnumerator();
        using var right = second.GetEnumerator();
        while (left.MoveNext() && right.MoveNext())
        {
            yield return (left.Current, right.Current);
        }
    }

    private Worker TakeWorker()
    {
        if (_idle.TryPop(out var worker))
        {
            return worker;
        }

        _workersCreated++;
        return new Worker(this, $"{TaskNamePrefix}_{_workersCreated - 1}");
    }

    /// <summary>
    /// The next item for a worker that is done with one; null (and the worker goes idle) when none waits. Called
    /// before the finished item's task is completed, so whoever that wakes sees the worker free (or busy with the
    /// next item), never a worker about to be free.
    /// </summary>
    /// <param name="worker">The worker asking.</param>
    /// <param name="drained">Set when this was the last work of a shut-down executor: the caller completes the
    /// shutdown once it has completed the finished item's task.</param>
    private TaskPoolWork? TakeNext(Worker worker, out bool drained)
    {
        lock (_gate)
        {
            drained = false;
            if (_queue.TryDequeue(out var work))
            {
                return work;
            }

            _running--;
            _idle.Push(worker);
            drained = _shutdown && _running == 0;
            return null;
        }
    }

    private void CompleteShutdown() => _drained!.TrySetResult();

    /// <summary>The result type of items whose body returns a plain <see cref="Task"/>.</summary>
    private readonly struct VoidResult;

    /// <summary>Runs items one after another: the one it was given, then whatever waits, until the queue is empty.</summary>
    private sealed class Worker : IThreadPoolWorkItem
    {
        private readonly TaskPoolExecutor _executor;
        private readonly Action _resume;
        private TaskPoolWork? _current;
        private Task? _pending;

        public Worker(TaskPoolExecutor executor, string name)
        {
            _executor = executor;
            Name = name;
            _resume = Resume;
        }

        public string Name { get; }

        public void Begin(TaskPoolWork first) => _current = first;

        public void Execute()
        {
            var first = _current!;
            _current = null;
            Run(first);
        }

        public override string ToString() => Name;

        private void Run(TaskPoolWork? work)
        {
            while (work is not null)
            {
                var pending = work.Start();
                if (pending is not null && !pending.IsCompleted)
                {
                    _current = work;
                    _pending = pending;
                    // The context is captured (no ConfigureAwait(false)): on a loop the worker resumes on the loop,
                    // and inline when the body ends there.
                    pending.GetAwaiter().UnsafeOnCompleted(_resume);
                    return;
                }

                work = Next(work, pending);
            }
        }

        private void Resume()
        {
            var work = _current!;
            var pending = _pending!;
            _current = null;
            _pending = null;
            Run(Next(work, pending));
        }

        /// <summary>Takes the next item, then completes the finished one. From the moment this worker may be idle it
        /// touches only locals: another submission may already be running it elsewhere.</summary>
        private TaskPoolWork? Next(TaskPoolWork finished, Task? ended)
        {
            var next = _executor.TakeNext(this, out bool drained);
            if (ended is not null)
            {
                finished.Finish(ended);
            }

            if (drained)
            {
                _executor.CompleteShutdown();
            }

            return next;
        }
    }
}
