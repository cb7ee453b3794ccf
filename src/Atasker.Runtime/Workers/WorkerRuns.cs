using System;
using System.Threading;
using System.Threading.Tasks;
using Atasker.CompilerServices;

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
    private readonly ProcessMethod<TArg>? _process;

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

    /// <summary>A body that runs in worker processes: a generated static method, found there by its id.</summary>
    /// <param name="methodId">The method's id in the generated process dispatcher.</param>
    /// <param name="writeArgument">Encodes the argument (a queue worker's item); null when the body takes none.</param>
    /// <param name="readResult">Decodes the body's bool; null when it returns nothing (it goes on).</param>
    public WorkerBody(ulong methodId, Action<ProcessWriter, TArg>? writeArgument, Func<ProcessReader, bool>? readResult) =>
        _process = new ProcessMethod<TArg>(methodId, writeArgument, readResult);

    /// <summary>The sync body; null for an awaitable one (or one in worker processes).</summary>
    public Func<TArg, CancellationToken, bool>? Sync => _sync;

    /// <summary>Whether the body is awaitable (so its executions run on an async loop unless told otherwise).</summary>
    public bool IsAsync => _sync is null && _process is null;

    /// <summary>Whether the body runs in worker processes (each execution is a process task).</summary>
    public bool IsProcess => _process is not null;

    public TaskHandle CreateRun(BackgroundWorker worker, TArg arg, CancellationToken cancellationToken)
    {
        if (_process is { } process)
        {
            return new ProcessWorkerRun(worker, process.MethodId, process.Encode(arg, worker), process.ReadResult, cancellationToken);
        }

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

/// <summary>A body in worker processes: its id, and how its argument and result cross.</summary>
internal sealed record ProcessMethod<TArg>(ulong MethodId, Action<ProcessWriter, TArg>? WriteArgument, Func<ProcessReader, bool>? ReadResult)
{
    /// <summary>The encoded argument, or the codec's failure (which fails that execution only).</summary>
    public ProcessArguments Encode(TArg arg, BackgroundWorker worker)
    {
        if (WriteArgument is null)
        {
            return new ProcessArguments([], null);
        }

        try
        {
            var writer = new ProcessWriter();
            WriteArgument(writer, arg);
            return new ProcessArguments(writer.ToArray(), null);
        }
#pragma warning disable CA1031 // Whatever the codec threw fails this execution only, through the worker's Error.
        catch (Exception error)
#pragma warning restore CA1031
        {
            return new ProcessArguments([], new ArgumentException($"Worker '{worker.Name}': the item '{arg}' could not be encoded for its worker process: {error.Message}", error));
        }
    }
}

/// <summary>A process task's encoded arguments, or why they could not be encoded.</summary>
internal readonly record struct ProcessArguments(byte[] Bytes, Exception? Failure);

/// <summary>An execution whose body runs in a worker process: a process task (same pool, admission and priority as any)
/// that tells its worker when it begins and ends. Once it has begun, the worker's token cancels it, which signals the
/// body's token in the worker process (a stop withdraws a run that has not begun, as it does any worker's).</summary>
internal sealed class ProcessWorkerRun : TaskHandle<bool>, IProcessTask
{
    private readonly BackgroundWorker _worker;
    private readonly Func<ProcessReader, bool>? _readResult;
    private readonly CancellationToken _workerToken;
    private CancellationTokenRegistration _workerStop;

    public ProcessWorkerRun(BackgroundWorker worker, ulong methodId, ProcessArguments arguments, Func<ProcessReader, bool>? readResult, CancellationToken workerToken)
    {
        _worker = worker;
        MethodId = methodId;
        Arguments = arguments.Bytes;
        ArgumentsFailure = arguments.Failure;
        _readResult = readResult;
        _workerToken = workerToken;
    }

    public TaskHandle Handle => this;

    public ulong MethodId { get; }

    public byte[] Arguments { get; }

    public Exception? ArgumentsFailure { get; }

    public CancellationTokenRegistration CancelRegistration { get; set; }

    public TaskRun Run { get; set; }

    public void OnBegun()
    {
        _worker.MarkExecuted();
        _workerStop = _workerToken.UnsafeRegister(static run => ((ProcessWorkerRun)run!).Cancel(), this); // at once if a stop began
    }

    public void ReadResult(ProcessReader result)
    {
        SetResult(_readResult is null || _readResult(result));
        result.EnsureFullyRead();
    }

    private protected override bool ReportsOwnFailure => true;

    private protected override void OnFinished()
    {
        base.OnFinished();
        _workerStop.Dispose();
        _worker.OnRunFinished(this);
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
