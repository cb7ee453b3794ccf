using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Atasker;

/// <summary>
/// A worker that runs its body once per item put into its queue, in the order the items were put, one at a time.
/// </summary>
/// <remarks>
/// <para>Items put before <see cref="BackgroundWorker.Start"/> (or while stopped) are kept and run after the start.
/// <see cref="BackgroundWorker.Stop"/> runs every item put before it began (back to back, without the delays), then
/// stops; items put during the stop stay queued for the next start. A stop by the supervisor with
/// <c>cancelTasks: true</c>, or a body returning false, keeps the remaining items queued instead of running them.</para>
/// <para>With a <see cref="QueueCapacity"/>, <see cref="Put"/> blocks and <see cref="PutAsync"/> waits while the queue
/// is full, in the order they were called; <see cref="TryPut"/> returns false instead.</para>
/// </remarks>
/// <typeparam name="T">The item type.</typeparam>
public class QueueWorker<T> : BackgroundWorker
{
    private readonly WorkerBody<T> _body;
    private const int MoreItemSpins = 20;

    // Only the worker takes items out (under Gate); an unbounded queue is put into without Gate. Puts waiting for room
    // are our own list rather than a bounded Channel<T>'s: a Channel completes a waiting writer through the .NET
    // ThreadPool (with or without AllowSynchronousContinuations), so a producer blocked in Put on a full queue would
    // stay blocked, after the worker made room, for as long as the ThreadPool is starved (measured: still blocked
    // after 3 s). Here the worker completes it under Gate, and a blocked Put wakes at once
    // (StarvedPoolTests.A_put_blocked_on_a_full_queue_gets_in_as_soon_as_the_worker_takes_an_item).
    private readonly ConcurrentQueue<T> _queue = new();
    private readonly LinkedList<PendingPut> _waitingPuts = new();
    private T _current = default!;
    private bool _hasCurrent;
    private CancellationToken _runToken;

    /// <summary>Creates a queue worker with a sync body.</summary>
    /// <param name="name">The worker's name.</param>
    /// <param name="body">The body: the item and the worker's token.</param>
    /// <param name="queueCapacity">How many items the queue holds before putting waits (0: no limit).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="queueCapacity"/> is negative.</exception>
    public QueueWorker(string name, Action<T, CancellationToken> body, int queueCapacity = 0)
        : this(name, new WorkerBody<T>(body), queueCapacity)
    {
    }

    /// <summary>Creates a queue worker with a sync body that returns false to stop the worker.</summary>
    /// <inheritdoc cref="QueueWorker{T}(string, Action{T, CancellationToken}, int)"/>
    public QueueWorker(string name, Func<T, CancellationToken, bool> body, int queueCapacity = 0)
        : this(name, new WorkerBody<T>(body), queueCapacity)
    {
    }

    /// <summary>Creates a queue worker with an awaitable body (it runs on an async loop).</summary>
    /// <inheritdoc cref="QueueWorker{T}(string, Action{T, CancellationToken}, int)"/>
    public QueueWorker(string name, Func<T, CancellationToken, ValueTask> body, int queueCapacity = 0)
        : this(name, new WorkerBody<T>(body), queueCapacity)
    {
    }

    /// <summary>Creates a queue worker with an awaitable body that returns false to stop the worker.</summary>
    /// <inheritdoc cref="QueueWorker{T}(string, Action{T, CancellationToken}, int)"/>
    public QueueWorker(string name, Func<T, CancellationToken, ValueTask<bool>> body, int queueCapacity = 0)
        : this(name, new WorkerBody<T>(body), queueCapacity)
    {
    }

    /// <summary>For a subclass that overrides <see cref="Run"/> or <see cref="RunAsync"/> (the body), and
    /// <see cref="BackgroundWorker.OnStarting"/> / <see cref="BackgroundWorker.OnStopped"/> if it likes.</summary>
    /// <param name="name">The worker's name.</param>
    /// <param name="queueCapacity">How many items the queue holds before <see cref="Put"/> blocks and
    /// <see cref="PutAsync"/> waits (0: no limit).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="queueCapacity"/> is negative.</exception>
    protected QueueWorker(string name, int queueCapacity = 0)
        : base(name)
    {
        QueueCapacity = ValidCapacity(name, queueCapacity);
        _body = new WorkerBody<T>(RunAsync);
    }

    internal QueueWorker(string name, WorkerBody<T> body, int queueCapacity)
        : base(name, body.IsAsync, body.IsProcess)
    {
        QueueCapacity = ValidCapacity(name, queueCapacity);
        _body = body;
    }

    private static int ValidCapacity(string name, int queueCapacity) => queueCapacity >= 0
        ? queueCapacity
        : throw new ArgumentOutOfRangeException(nameof(queueCapacity), queueCapacity, $"Worker '{name}': the queue capacity must be 0 (no limit) or more.");

    /// <summary>How many items the queue holds before putting waits (0: no limit).</summary>
    public int QueueCapacity { get; }

    /// <summary>How many items wait in the queue (not counting the one running, nor puts waiting for room).</summary>
    public int Count => _queue.Count;

    /// <summary>Puts an item into the queue; when the queue is full, blocks until there is room.</summary>
    /// <exception cref="InvalidOperationException">The queue is full and the caller is the worker's own execution,
    /// which would wait for itself (use <see cref="TryPut"/> there).</exception>
    public void Put(T item)
    {
        if (TryPutOrWait(item, out var waiting))
        {
            return;
        }

        waiting!.Task.GetAwaiter().GetResult();
    }

    /// <summary>Puts an item into the queue unless it is full.</summary>
    /// <returns>False when the queue is full (the item was not put).</returns>
    public bool TryPut(T item)
    {
        if (QueueCapacity == 0)
        {
            PutUnbounded(item);
            return true;
        }

        bool put;
        lock (Gate)
        {
            put = TryEnqueueLocked(item);
        }

        Settle();
        return put;
    }

    /// <summary>Puts an item into the queue; when the queue is full, waits (without blocking) until there is room.</summary>
    /// <param name="item">The item.</param>
    /// <param name="cancellationToken">Gives up waiting for room; the item is then not put.</param>
    public ValueTask PutAsync(T item, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        if (TryPutOrWait(item, out var waiting))
        {
            return default;
        }

        if (cancellationToken.CanBeCanceled)
        {
            waiting!.Registration = cancellationToken.UnsafeRegister(static (state, token) => ((PendingPut)state!).Owner.GiveUp((PendingPut)state!, token), waiting);
        }

        return new ValueTask(waiting!.Task);
    }

    private protected override WorkerType Type => WorkerType.Queue;

    private protected override bool IsDue(long now, out long dueAt)
    {
        dueAt = long.MaxValue;
        return !_queue.IsEmpty;
    }

    private protected override TaskHandle CreateRun(CancellationToken cancellationToken)
    {
        _queue.TryPeek(out _current!);
        _hasCurrent = true;
        if (_body.Sync is not null && Delay == TimeSpan.Zero && DelayBefore == TimeSpan.Zero)
        {
            // A sync body without delays may handle the items that follow in the same run (see RunItems).
            _runToken = cancellationToken;
            return new WorkerRun<QueueWorker<T>>(this, this, static (worker, _) => worker.RunItems());
        }

        return _body.CreateRun(this, _current, cancellationToken);
    }

    private protected override void TakeNextIntoRun()
    {
        _queue.TryDequeue(out _current!);
        _hasCurrent = true;
        AdmitWaitingPut();
    }

    private protected override void OnRunAccepted(long now)
    {
        base.OnRunAccepted(now);
        _ = _queue.TryDequeue(out _);
        AdmitWaitingPut();
    }

    /// <summary>The room an item just made goes to the put that has waited longest.</summary>
    private void AdmitWaitingPut()
    {
        if (_waitingPuts.First is { } first)
        {
            _waitingPuts.RemoveFirst();
            _queue.Enqueue(first.Value.Item);
            first.Value.Registration.Unregister();
            first.Value.TrySetResult();
        }
    }

    private protected override void OnRunEnded()
    {
        _current = default!;
        _hasCurrent = false;
    }

    private protected override bool TryGetRunItem(out object? item)
    {
        item = _current;
        return _hasCurrent;
    }

    private protected override int DrainCount => _queue.Count;

    /// <summary>The body of a subclass made with the constructor for subclasses: the execution for one item. Override
    /// this one for a sync body, or <see cref="RunAsync"/> for an awaitable one.</summary>
    /// <param name="item">The item, in the order the items were put.</param>
    /// <param name="cancellationToken">The worker's token: canceled when a stop begins (after the drain).</param>
    /// <returns>True to go on; false stops the worker and keeps the remaining items queued.</returns>
    protected virtual bool Run(T item, CancellationToken cancellationToken) => throw BodyNotOverridden();

    /// <summary>The awaitable body of a subclass made with the constructor for subclasses; by default it calls
    /// <see cref="Run"/>. Executions run on supervisor threads unless the subclass sets
    /// <see cref="BackgroundWorker.Kind"/> to <see cref="TaskKind.Async"/> (then on an async loop).</summary>
    /// <inheritdoc cref="Run"/>
    protected virtual ValueTask<bool> RunAsync(T item, CancellationToken cancellationToken) => new(Run(item, cancellationToken));

    /// <summary>The body of a run that handles items back to back: each is one execution (counted, its failure raised
    /// through Error with its item); the run ends with the outcome of the last one.</summary>
    private bool RunItems()
    {
        var body = _body.Sync!;
        var token = _runToken;
        while (true)
        {
            Exception? failure = null;
            bool result = true;
            try
            {
                result = body(_current, token);
            }
#pragma warning disable CA1031 // An item's failure is counted and raised; the next item still runs.
            catch (Exception exception) when (exception is not OperationCanceledException || !token.IsCancellationRequested)
#pragma warning restore CA1031
            {
                failure = exception;
            }

            if (failure is not null)
            {
                if (!TryContinueRun(failure))
                {
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
                }

                continue;
            }

            if (!result || !(TryContinueRun(null) || (MoreArrives() && TryContinueRun(null))))
            {
                return result;
            }
        }
    }

    /// <summary>Whether an item arrives within a few microseconds: a producer a little slower than the body would
    /// otherwise cost a new run (a pool task) per item.</summary>
    private bool MoreArrives()
    {
        var spinner = default(SpinWait);
        for (int spin = 0; spin < MoreItemSpins; spin++)
        {
            if (!_queue.IsEmpty)
            {
                return true;
            }

            spinner.SpinOnce(sleep1Threshold: -1);
        }

        return !_queue.IsEmpty;
    }

    /// <summary>Puts the item if there is room (true); otherwise queues a put that waits for room.</summary>
    private bool TryPutOrWait(T item, out PendingPut? waiting)
    {
        waiting = null;
        if (QueueCapacity == 0)
        {
            PutUnbounded(item);
            return true;
        }

        lock (Gate)
        {
            if (!TryEnqueueLocked(item))
            {
                ThrowIfOwnExecution("Put on a full queue");
                waiting = new PendingPut(this, item);
                waiting.Node = _waitingPuts.AddLast(waiting);
            }
        }

        Settle();
        return waiting is null;
    }

    /// <summary>Puts into an unbounded queue without Gate: the enqueue is a full fence, then the worker is woken if no
    /// execution is in progress (one in progress looks at the queue again when it ends).</summary>
    private void PutUnbounded(T item)
    {
        _queue.Enqueue(item);
        WakeIfIdle();
    }

    private bool TryEnqueueLocked(T item)
    {
        if (QueueCapacity > 0 && (_queue.Count >= QueueCapacity || _waitingPuts.Count > 0))
        {
            return false;
        }

        _queue.Enqueue(item);
        SignalLocked(trigger: false);
        return true;
    }

    private void GiveUp(PendingPut waiting, CancellationToken cancellationToken)
    {
        lock (Gate)
        {
            if (waiting.Node?.List is null)
            {
                return; // Already put.
            }

            _waitingPuts.Remove(waiting.Node);
        }

        waiting.TrySetCanceled(cancellationToken);
    }

    /// <summary>A put waiting for room.</summary>
    private sealed class PendingPut(QueueWorker<T> owner, T item) : TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public QueueWorker<T> Owner { get; } = owner;

        public T Item { get; } = item;

        public LinkedListNode<PendingPut>? Node { get; set; }

        public CancellationTokenRegistration Registration { get; set; }
    }
}
