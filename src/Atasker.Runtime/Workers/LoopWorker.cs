using System;
using System.Threading;
using System.Threading.Tasks;

namespace Atasker;

/// <summary>A worker whose body runs again and again, one execution right after the other, until it is stopped (or
/// the body returns false). Each execution is a task on the pool, so other work of higher priority gets in between.</summary>
public sealed class LoopWorker : BackgroundWorker
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

    private LoopWorker(string name, WorkerBody<NoItem> body)
        : base(name, body.IsAsync) => _body = body;

    private protected override WorkerType Type => WorkerType.Loop;

    private protected override bool IsDue(long now, out long dueAt)
    {
        dueAt = now;
        return true;
    }

    private protected override TaskHandle CreateRun(CancellationToken cancellationToken) => _body.CreateRun(this, default, cancellationToken);
}
