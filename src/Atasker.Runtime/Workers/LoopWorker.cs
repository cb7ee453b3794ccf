using System;
using System.Threading;
using System.Threading.Tasks;

namespace Atasker;

/// <summary>A worker whose body runs again and again, one execution right after the other, until it is stopped (or
/// the body returns false). Each execution is a task on the pool, so other work of higher priority gets in between.</summary>
public class LoopWorker : BackgroundWorker
{
    private readonly WorkerBody<NoItem> _body;

    /// <summary>Creates a loop worker with a sync body.</summary>
    /// <param name="name">The worker's name.</param>
    /// <param name="body">The body; it gets the worker's token.</param>
    public LoopWorker(string name, Action<CancellationToken> body)
        : this(name, WorkerBodies.From(body))
    {
    }

    /// <summary>Creates a loop worker with a sync body that returns false to stop the worker.</summary>
    /// <param name="name">The worker's name.</param>
    /// <param name="body">The body; it gets the worker's token.</param>
    public LoopWorker(string name, Func<CancellationToken, bool> body)
        : this(name, WorkerBodies.From(body))
    {
    }

    /// <summary>Creates a loop worker with an awaitable body (it runs on an async loop).</summary>
    /// <param name="name">The worker's name.</param>
    /// <param name="body">The body; it gets the worker's token.</param>
    public LoopWorker(string name, Func<CancellationToken, ValueTask> body)
        : this(name, WorkerBodies.From(body))
    {
    }

    /// <summary>Creates a loop worker with an awaitable body that returns false to stop the worker.</summary>
    /// <param name="name">The worker's name.</param>
    /// <param name="body">The body; it gets the worker's token.</param>
    public LoopWorker(string name, Func<CancellationToken, ValueTask<bool>> body)
        : this(name, WorkerBodies.From(body))
    {
    }

    /// <summary>For a subclass that overrides <see cref="Run"/> or <see cref="RunAsync"/> (the body), and
    /// <see cref="BackgroundWorker.OnStarting"/> / <see cref="BackgroundWorker.OnStopped"/> if it likes.</summary>
    /// <param name="name">The worker's name.</param>
    protected LoopWorker(string name)
        : base(name)
    {
        _body = WorkerBodies.Overridden(RunAsync);
    }

    internal LoopWorker(string name, WorkerBody<NoItem> body)
        : base(name, body.IsAsync, body.IsProcess) => _body = body;

    private protected override WorkerType Type => WorkerType.Loop;

    private protected override bool IsDue(long now, out long dueAt)
    {
        dueAt = now;
        return true;
    }

    private protected override TaskHandle CreateRun(CancellationToken cancellationToken) => _body.CreateRun(this, default, cancellationToken);

    /// <summary>The body of a subclass made with the constructor for subclasses: one execution. Override this one for
    /// a sync body, or <see cref="RunAsync"/> for an awaitable one.</summary>
    /// <param name="cancellationToken">The worker's token: canceled when a stop begins.</param>
    /// <returns>True to go on; false stops the worker (as a delegate body's false does).</returns>
    protected virtual bool Run(CancellationToken cancellationToken) => throw BodyNotOverridden();

    /// <summary>The awaitable body of a subclass made with the constructor for subclasses; by default it calls
    /// <see cref="Run"/>. Executions run on supervisor threads unless the subclass sets
    /// <see cref="BackgroundWorker.Kind"/> to <see cref="TaskKind.Async"/> (then on an async loop).</summary>
    /// <inheritdoc cref="Run"/>
    protected virtual ValueTask<bool> RunAsync(CancellationToken cancellationToken) => new(Run(cancellationToken));
}
