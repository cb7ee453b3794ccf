using System;
using System.Threading;
using System.Threading.Tasks;
using Atasker.CompilerServices;

namespace Atasker;

/// <summary>
/// One item of a <see cref="TaskPoolExecutor"/>: queued, then running, then ended; or canceled while queued. Its
/// <see cref="Completion"/> always ends.
/// </summary>
internal abstract class TaskPoolWork
{
    private const int Queued = 0;
    private const int Running = 1;
    private const int Canceled = 2;

    // Queued -> Running (a worker takes it) | Canceled (its token, a shutdown that cancels pending work). One CAS
    // decides, so an item canceled while queued never starts and a started one is never canceled from outside.
    private int _state;
    private CancellationTokenRegistration _registration;
    private ExecutionContext? _context;
    private Task? _started; // what the body returned, when it ran inside ExecutionContext.Run

    protected TaskPoolWork(CancellationToken cancellationToken)
    {
        CancellationToken = cancellationToken;
        _context = ExecutionContext.Capture();
    }

    /// <summary>The token the body receives; cancelling it while the item is queued cancels the item.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>The task the submitter holds.</summary>
    public abstract Task Completion { get; }

    /// <summary>Arms cancellation while queued (after the item is in the queue, so a token canceled already finds it).</summary>
    public void WatchCancellation()
    {
        if (CancellationToken.CanBeCanceled)
        {
            _registration = CancellationToken.UnsafeRegister(static work => ((TaskPoolWork)work!).TryCancel(), this);
        }
    }

    /// <summary>Cancels the item if it has not started; true when it did.</summary>
    public bool TryCancel()
    {
        if (Interlocked.CompareExchange(ref _state, Canceled, Queued) != Queued)
        {
            return false;
        }

        _registration.Dispose();
        SetCanceled();
        return true;
    }

    /// <summary>Starts the body on the calling thread, in the submitter's execution context, unless the item was
    /// canceled; returns what to wait for (null when there is nothing).</summary>
    public Task? Start()
    {
        if (Interlocked.CompareExchange(ref _state, Running, Queued) != Queued)
        {
            return null;
        }

        Task? pending = null;
        var context = _context;
        _context = null;
        try
        {
            if (context is null)
            {
                pending = InvokeBody();
            }
            else
            {
                ExecutionContext.Run(context, static work => ((TaskPoolWork)work!).StartInContext(), this);
                pending = _started;
                _started = null;
            }

            return pending ?? throw TaskLauncher.NullTask();
        }
#pragma warning disable CA1031 // A body's failure belongs on its item; the worker goes on.
        catch (Exception error)
#pragma warning restore CA1031
        {
            return Task.FromException(error);
        }
    }

    /// <summary>Ends the item with the outcome of the task its body returned.</summary>
    public void Finish(Task ended)
    {
        _registration.Dispose();
        if (ended.IsCanceled)
        {
            SetCanceled();
        }
        else if (ended.IsFaulted)
        {
            SetFailed(ended.Exception!);
        }
        else
        {
            SetResult(ended);
        }
    }

    private void StartInContext() => _started = InvokeBody();

    protected abstract Task? InvokeBody();

    protected abstract void SetResult(Task ended);

    protected abstract void SetFailed(AggregateException failure);

    protected abstract void SetCanceled();
}

/// <summary>An item whose body produces a <typeparamref name="T"/>.</summary>
internal abstract class TaskPoolWork<T>(CancellationToken cancellationToken) : TaskPoolWork(cancellationToken)
{
    private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override Task Completion => _completion.Task;

    public Task<T> TypedCompletion => _completion.Task;

    protected override void SetResult(Task ended) =>
        _completion.TrySetResult(ended is Task<T> typed ? typed.Result : default!);

    protected override void SetFailed(AggregateException failure) => _completion.TrySetException(failure.InnerExceptions);

    protected override void SetCanceled() => _completion.TrySetCanceled(CancellationToken);
}

/// <summary>An item of <see cref="TaskPoolExecutor.Submit{T}(Func{Task{T}})"/> and its overloads: a delegate that
/// returns a <see cref="Task"/> (or a <see cref="Task{TResult}"/>), with or without the item's token.</summary>
internal sealed class TaskPoolCall<T> : TaskPoolWork<T>
{
    private Func<Task>? _plain;
    private Func<CancellationToken, Task>? _withToken;

    public TaskPoolCall(Func<Task> body)
        : base(CancellationToken.None) => _plain = body;

    public TaskPoolCall(Func<CancellationToken, Task> body, CancellationToken cancellationToken)
        : base(cancellationToken) => _withToken = body;

    protected override Task? InvokeBody()
    {
        var plain = _plain;
        var withToken = _withToken;
        _plain = null;
        _withToken = null;
        return plain is not null ? plain() : withToken!(CancellationToken);
    }
}

/// <summary>An item of <see cref="TaskPoolExecutor.Map{T, TR}(Func{T, Task{TR}}, System.Collections.Generic.IEnumerable{T}, int?)"/>:
/// the function and one argument.</summary>
internal sealed class TaskPoolMapItem<TArgument, TResult>(Func<TArgument, Task<TResult>> body, TArgument argument, CancellationToken cancellationToken)
    : TaskPoolWork<TResult>(cancellationToken)
{
    private Func<TArgument, Task<TResult>>? _body = body;
    private TArgument _argument = argument;

    protected override Task? InvokeBody()
    {
        var body = _body!;
        var argument = _argument;
        _body = null;
        _argument = default!;
        return body(argument);
    }
}
