using System;
using System.Threading;
using System.Threading.Tasks;

namespace Atasker;

/// <summary>
/// A worker that runs its body every <see cref="Interval"/> (start to start; the first execution at
/// <see cref="BackgroundWorker.Start"/>), and/or with a <see cref="BackgroundWorker.Delay"/> after and a
/// <see cref="BackgroundWorker.DelayBefore"/> before each execution.
/// </summary>
/// <remarks>The schedule is anchored to the due times, not to when executions happened to start: the next execution is
/// due an interval after the previous one was due, so a late wake-up does not shift the ones after it. An execution
/// that overruns its interval is followed by the next one at once, and the schedule continues from there (next due =
/// max(now, previous due + interval)): missed ticks are not made up in a burst. <see cref="Trigger"/> runs the body now
/// (or right after the current execution) and the interval counts from that execution. Waits are on the supervisor's
/// clock, never on a .NET ThreadPool timer.</remarks>
public class IntervalWorker : BackgroundWorker
{
    private readonly WorkerBody<NoItem> _body;
    private TimeSpan _interval;
    private long _nextDue;

    /// <summary>Creates an interval worker with a sync body.</summary>
    /// <param name="name">The worker's name.</param>
    /// <param name="body">The body; it gets the worker's token.</param>
    public IntervalWorker(string name, Action<CancellationToken> body)
        : this(name, WorkerBodies.From(body))
    {
    }

    /// <summary>Creates an interval worker with a sync body that returns false to stop the worker.</summary>
    /// <param name="name">The worker's name.</param>
    /// <param name="body">The body; it gets the worker's token.</param>
    public IntervalWorker(string name, Func<CancellationToken, bool> body)
        : this(name, WorkerBodies.From(body))
    {
    }

    /// <summary>Creates an interval worker with an awaitable body (it runs on an async loop).</summary>
    /// <param name="name">The worker's name.</param>
    /// <param name="body">The body; it gets the worker's token.</param>
    public IntervalWorker(string name, Func<CancellationToken, ValueTask> body)
        : this(name, WorkerBodies.From(body))
    {
    }

    /// <summary>Creates an interval worker with an awaitable body that returns false to stop the worker.</summary>
    /// <param name="name">The worker's name.</param>
    /// <param name="body">The body; it gets the worker's token.</param>
    public IntervalWorker(string name, Func<CancellationToken, ValueTask<bool>> body)
        : this(name, WorkerBodies.From(body))
    {
    }

    /// <summary>For a subclass that overrides <see cref="Run"/> or <see cref="RunAsync"/> (the body), and
    /// <see cref="BackgroundWorker.OnStarting"/> / <see cref="BackgroundWorker.OnStopped"/> if it likes.</summary>
    /// <param name="name">The worker's name.</param>
    protected IntervalWorker(string name)
        : base(name)
    {
        _body = WorkerBodies.Overridden(RunAsync);
    }

    internal IntervalWorker(string name, WorkerBody<NoItem> body)
        : base(name, body.IsAsync, body.IsProcess) => _body = body;

    /// <summary>The time from the start of one execution to the start of the next (zero: no interval, the executions
    /// follow each other, separated by the delays only). A change applies from the next execution.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative or longer than <see cref="TaskSupervisor.MaxDelay"/>.</exception>
    public TimeSpan Interval
    {
        get => _interval;
        set => _interval = ValidDuration(value, nameof(Interval));
    }

    /// <summary>When the next execution is due by the interval, while the worker is started (an execution that is
    /// running or waiting for its slot counts as due); null when it is not started.</summary>
    public DateTimeOffset? NextRun
    {
        get
        {
            lock (Gate)
            {
                return IsActive && Supervisor is { } supervisor ? supervisor.Clock.ToUtc(_nextDue) : null;
            }
        }
    }

    private protected override DateTimeOffset? NextScheduled => NextRun;

    /// <summary>Runs the body now instead of at the next due time (or once more right after the current execution).</summary>
    public void Trigger() => Signal(trigger: true);

    private protected override void StartSchedule(long now) => _nextDue = now;

    private protected override WorkerType Type => WorkerType.Interval;

    private protected override bool IsDue(long now, out long dueAt)
    {
        dueAt = _nextDue;
        return Triggered || now >= _nextDue;
    }

    private protected override void OnRunAccepted(long now)
    {
        // The schedule is anchored: the next execution is due an interval after this one was due, not after it
        // started, so the lateness of a wake-up never accumulates. A trigger re-anchors it at now.
        long due = Triggered && now < _nextDue ? now : _nextDue;
        base.OnRunAccepted(now);
        _nextDue = _interval > TimeSpan.Zero ? due + Supervisor!.Clock.ToUnits(_interval) : now;
    }

    private protected override void OnRunEnded()
    {
        // An execution that overran its next due time is followed by the next one at once, which is then the anchor:
        // next due = max(now, previous due + interval), so missed ticks are not made up in a burst.
        long now = Supervisor!.Clock.Now;
        if (_nextDue < now)
        {
            _nextDue = now;
        }
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
