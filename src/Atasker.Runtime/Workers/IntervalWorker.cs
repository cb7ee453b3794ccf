using System;
using System.Threading;
using System.Threading.Tasks;

namespace Atasker;

/// <summary>
/// A worker that runs its body every <see cref="Interval"/> (start to start; the first execution at
/// <see cref="BackgroundWorker.Start"/>), and/or with a <see cref="BackgroundWorker.Delay"/> after and a
/// <see cref="BackgroundWorker.DelayBefore"/> before each execution.
/// </summary>
/// <remarks>An execution that overruns its interval is followed by the next one at once, and the schedule continues
/// from there: missed ticks are not made up in a burst. <see cref="Trigger"/> runs the body now (or right after the
/// current execution) and the interval counts from that execution.</remarks>
public sealed class IntervalWorker : BackgroundWorker
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

    private IntervalWorker(string name, WorkerBody<NoItem> body)
        : base(name, body.IsAsync) => _body = body;

    /// <summary>The time from the start of one execution to the start of the next (zero: no interval, the executions
    /// follow each other, separated by the delays only). A change applies from the next execution.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative or longer than <see cref="TaskSupervisor.MaxDelay"/>.</exception>
    public TimeSpan Interval
    {
        get => _interval;
        set => _interval = ValidDuration(value, nameof(Interval));
    }

    /// <summary>Runs the body now instead of at the next due time (or once more right after the current execution).</summary>
    public void Trigger() => Signal(trigger: true);

    private protected override void OnStarting(long now) => _nextDue = now;

    private protected override WorkerType Type => WorkerType.Interval;

    private protected override bool IsDue(long now, out long dueAt)
    {
        dueAt = _nextDue;
        return Triggered || now >= _nextDue;
    }

    private protected override void OnRunAccepted(long now)
    {
        base.OnRunAccepted(now);
        _nextDue = _interval > TimeSpan.Zero ? now + Clock.ToTimestampUnits(_interval) : now;
    }

    private protected override TaskHandle CreateRun(CancellationToken cancellationToken) => _body.CreateRun(this, default, cancellationToken);
}
