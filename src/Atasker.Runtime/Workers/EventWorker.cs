using System;
using System.Threading;
using System.Threading.Tasks;

namespace Atasker;

/// <summary>A worker that runs its body once per <see cref="Trigger"/>. Triggers that arrive while an execution runs
/// (or waits for its delays) cause exactly one more execution after it; none is dropped, and a burst is not replayed
/// one by one.</summary>
public class EventWorker : BackgroundWorker
{
    private readonly WorkerBody<NoItem> _body;

    /// <summary>Creates an event worker with a sync body.</summary>
    /// <param name="name">The worker's name.</param>
    /// <param name="body">The body; it gets the worker's token.</param>
    public EventWorker(string name, Action<CancellationToken> body)
        : this(name, WorkerBodies.From(body))
    {
    }

    /// <summary>Creates an event worker with a sync body that returns false to stop the worker.</summary>
    /// <param name="name">The worker's name.</param>
    /// <param name="body">The body; it gets the worker's token.</param>
    public EventWorker(string name, Func<CancellationToken, bool> body)
        : this(name, WorkerBodies.From(body))
    {
    }

    /// <summary>Creates an event worker with an awaitable body (it runs on an async loop).</summary>
    /// <param name="name">The worker's name.</param>
    /// <param name="body">The body; it gets the worker's token.</param>
    public EventWorker(string name, Func<CancellationToken, ValueTask> body)
        : this(name, WorkerBodies.From(body))
    {
    }

    /// <summary>Creates an event worker with an awaitable body that returns false to stop the worker.</summary>
    /// <param name="name">The worker's name.</param>
    /// <param name="body">The body; it gets the worker's token.</param>
    public EventWorker(string name, Func<CancellationToken, ValueTask<bool>> body)
        : this(name, WorkerBodies.From(body))
    {
    }

    /// <summary>For a subclass that overrides <see cref="Run"/> or <see cref="RunAsync"/> (the body), and
    /// <see cref="BackgroundWorker.OnStarting"/> / <see cref="BackgroundWorker.OnStopped"/> if it likes.</summary>
    /// <param name="name">The worker's name.</param>
    protected EventWorker(string name)
        : base(name)
    {
        _body = WorkerBodies.Overridden(RunAsync);
    }

    internal EventWorker(string name, WorkerBody<NoItem> body)
        : base(name, body.IsAsync, body.IsProcess) => _body = body;

    /// <summary>Asks for one execution. A trigger given before <see cref="BackgroundWorker.Start"/> (or while stopped)
    /// is kept for the next start.</summary>
    public void Trigger() => Signal(trigger: true);

    private protected override WorkerType Type => WorkerType.Event;

    private protected override bool IsDue(long now, out long dueAt)
    {
        dueAt = long.MaxValue;
        return Triggered;
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
