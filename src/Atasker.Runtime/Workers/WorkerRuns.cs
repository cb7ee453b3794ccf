using System;
using System.Threading;
using System.Threading.Tasks;

namespace Atasker;

// One execution of a worker is one task on its supervisor's pool. These handles are the task handles of the other
// bodies (so a run is admitted, executed, canceled and counted like any task) that also tell their worker when they
// start and end. The body gets the worker's token, not the task's: it is canceled when the worker stops.

/// <summary>A worker's body, in one of its three runtime shapes, and the argument type it takes (a queue worker's
/// item, or <see cref="NoItem"/>).</summary>
internal sealed class WorkerBody<TArg>
{
    private readonly Func<TArg, CancellationToken, bool>? _sync;
    private readonly Func<TArg, CancellationToken, ValueTask<bool>>? _async;
    private readonly Func<TArg, CancellationToken, ValueTask>? _asyncVoid;

    public WorkerBody(Action<TArg, CancellationToken> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        _sync = (arg, cancellationToken) =>
        {
            body(arg, cancellationToken);
            return true;
        };
    }

    public WorkerBody(Func<TArg, CancellationToken, bool> body) => _sync = body ?? throw new ArgumentNullException(nameof(body));

    public WorkerBody(Func<TArg, CancellationToken, ValueTask<bool>> body) => _async = body ?? throw new ArgumentNullException(nameof(body));

    public WorkerBody(Func<TArg, CancellationToken, ValueTask> body) => _asyncVoid = body ?? throw new ArgumentNullException(nameof(body));

    /// <summary>The sync body; null for an awaitable one.</summary>
    public Func<TArg, CancellationToken, bool>? Sync => _sync;

    /// <summary>Whether the body is awaitable (so its executions run on an async loop unless told otherwise).</summary>
    public bool IsAsync => _sync is null;

    public TaskHandle CreateRun(BackgroundWorker worker, TArg arg, CancellationToken cancellationToken)
    {
        var call = new WorkerCall<TArg>(this, arg, cancellationToken);
        if (_sync is not null)
        {
            return new WorkerRun<WorkerCall<TArg>>(worker, call, static (call, _) => call.Body._sync!(call.Arg, call.Token));
        }

        return new AsyncWorkerRun<WorkerCall<TArg>>(worker, call, static (call, _) => call.Body.InvokeAsync(call.Arg, call.Token));
    }

    private ValueTask<bool> InvokeAsync(TArg arg, CancellationToken cancellationToken)
    {
        if (_async is not null)
        {
            return _async(arg, cancellationToken);
        }

        var pending = _asyncVoid!(arg, cancellationToken);
        if (pending.IsCompletedSuccessfully)
        {
            return new ValueTask<bool>(true);
        }

        return ContinueAfter(pending);

        static async ValueTask<bool> ContinueAfter(ValueTask pending)
        {
            await pending.ConfigureAwait(true); // stay on the loop, as the body did
            return true;
        }
    }
}

/// <summary>The argument of a worker whose body takes no item.</summary>
internal readonly struct NoItem
{
}

/// <summary>What one execution calls: the body, its argument and the worker's token.</summary>
internal readonly record struct WorkerCall<TArg>(WorkerBody<TArg> Body, TArg Arg, CancellationToken Token);

/// <summary>An execution of a sync body.</summary>
internal sealed class WorkerRun<TState> : FuncTask<TState, bool>
{
    private readonly BackgroundWorker _worker;

    public WorkerRun(BackgroundWorker worker, TState state, Func<TState, CancellationToken, bool> body)
        : base(state, body) => _worker = worker;

    internal override void InvokeBody(CancellationToken cancellationToken)
    {
        using var execution = _worker.EnterExecution();
        base.InvokeBody(cancellationToken);
    }

    private protected override bool ReportsOwnFailure => true;

    private protected override void OnFinished() => _worker.OnRunFinished(this);
}

/// <summary>An execution of an awaitable body (one that returns nothing continues the worker).</summary>
internal sealed class AsyncWorkerRun<TState> : AsyncFuncTask<TState, bool>
{
    private readonly BackgroundWorker _worker;

    public AsyncWorkerRun(BackgroundWorker worker, TState state, Func<TState, CancellationToken, ValueTask<bool>> body)
        : base(state, body) => _worker = worker;

    internal override void InvokeBody(CancellationToken cancellationToken)
    {
        using var execution = _worker.EnterExecution();
        base.InvokeBody(cancellationToken);
    }

    private protected override void StartAsyncBody(CancellationToken cancellationToken)
    {
        _worker.MarkExecuted();
        base.StartAsyncBody(cancellationToken);
    }

    private protected override bool ReportsOwnFailure => true;

    private protected override void OnFinished()
    {
        base.OnFinished();
        _worker.OnRunFinished(this);
    }
}
