using System;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using Cronos;

namespace Atasker;

/// <summary>
/// A worker that runs its body at the occurrences of a cron expression (Cronos syntax: five fields, or six with seconds
/// first), in a time zone (UTC by default).
/// </summary>
/// <remarks>
/// <para>The first execution is at the first occurrence after <see cref="BackgroundWorker.Start"/>. The schedule is
/// anchored to the occurrences: each execution is due at the occurrence after the one before it was due, so a late
/// wake-up does not move the next. An execution that runs past its next occurrence skips it, and any others it ran past
/// (no burst of catch-up runs): the next is the first occurrence after it ended; the skip is counted in
/// <see cref="Skipped"/> and logged. Daylight-saving gaps and overlaps are handled as Cronos defines them: an occurrence
/// in a skipped hour runs at the end of the gap, one in a repeated hour runs once (an interval-like expression such as
/// every 15 minutes runs in both). <see cref="Trigger"/> runs the body now (or right after the current execution)
/// without moving the schedule. Waits are on the supervisor's clock (its <see cref="TimeProvider"/>, when it has one),
/// never on a .NET ThreadPool timer.</para>
/// </remarks>
public class CronWorker : BackgroundWorker
{
    private readonly WorkerBody<NoItem> _body;
    private readonly CronExpression _expression;
    private long _nextDue = long.MaxValue; // the supervisor clock's timestamp of the next occurrence; MaxValue: none
    private long _skipped;

    /// <summary>Creates a cron worker with a sync body.</summary>
    /// <param name="name">The worker's name.</param>
    /// <param name="cron">The cron expression: five fields (minute hour day-of-month month day-of-week), or six with
    /// seconds first.</param>
    /// <param name="body">The body; it gets the worker's token.</param>
    /// <param name="timeZone">The time zone the expression is read in: an IANA or Windows id; null for UTC.</param>
    /// <exception cref="ArgumentException">The expression or the time zone is not valid (the message names the
    /// worker and says why).</exception>
    public CronWorker(string name, string cron, Action<CancellationToken> body, string? timeZone = null)
        : this(name, cron, timeZone, WorkerBodies.From(body))
    {
    }

    /// <summary>Creates a cron worker with a sync body that returns false to stop the worker.</summary>
    /// <inheritdoc cref="CronWorker(string, string, Action{CancellationToken}, string?)"/>
    public CronWorker(string name, string cron, Func<CancellationToken, bool> body, string? timeZone = null)
        : this(name, cron, timeZone, WorkerBodies.From(body))
    {
    }

    /// <summary>Creates a cron worker with an awaitable body (it runs on an async loop).</summary>
    /// <inheritdoc cref="CronWorker(string, string, Action{CancellationToken}, string?)"/>
    public CronWorker(string name, string cron, Func<CancellationToken, ValueTask> body, string? timeZone = null)
        : this(name, cron, timeZone, WorkerBodies.From(body))
    {
    }

    /// <summary>Creates a cron worker with an awaitable body that returns false to stop the worker.</summary>
    /// <inheritdoc cref="CronWorker(string, string, Action{CancellationToken}, string?)"/>
    public CronWorker(string name, string cron, Func<CancellationToken, ValueTask<bool>> body, string? timeZone = null)
        : this(name, cron, timeZone, WorkerBodies.From(body))
    {
    }

    /// <summary>For a subclass that overrides <see cref="Run"/> or <see cref="RunAsync"/> (the body), and
    /// <see cref="BackgroundWorker.OnStarting"/> / <see cref="BackgroundWorker.OnStopped"/> if it likes.</summary>
    /// <param name="name">The worker's name.</param>
    /// <param name="cron">The cron expression: five fields (minute hour day-of-month month day-of-week), or six with
    /// seconds first.</param>
    /// <param name="timeZone">The time zone the expression is read in: an IANA or Windows id; null for UTC.</param>
    /// <exception cref="ArgumentException">The expression or the time zone is not valid (the message names the
    /// worker and says why).</exception>
    protected CronWorker(string name, string cron, string? timeZone = null)
        : base(name)
    {
        (_expression, Cron, TimeZone) = Schedule(name, cron, timeZone);
        _body = WorkerBodies.Overridden(RunAsync);
    }

    internal CronWorker(string name, string cron, string? timeZone, WorkerBody<NoItem> body)
        : base(name, body.IsAsync, body.IsProcess)
    {
        (_expression, Cron, TimeZone) = Schedule(name, cron, timeZone);
        _body = body;
    }

    private static (CronExpression Expression, string Cron, TimeZoneInfo Zone) Schedule(string name, string cron, string? timeZone)
    {
        ArgumentNullException.ThrowIfNull(cron);
        return (Parse(name, cron), cron, FindZone(name, timeZone));
    }

    /// <summary>The cron expression, as given.</summary>
    public string Cron { get; }

    /// <summary>The time zone the expression is read in.</summary>
    public TimeZoneInfo TimeZone { get; }

    /// <summary>When the next scheduled execution is due, while the worker is started; null when it is not started, or
    /// when the expression has no occurrence left.</summary>
    public DateTimeOffset? NextRun
    {
        get
        {
            lock (Gate)
            {
                return IsActive && _nextDue != long.MaxValue && Supervisor is { } supervisor ? supervisor.Clock.ToUtc(_nextDue) : null;
            }
        }
    }

    private protected override DateTimeOffset? NextScheduled => NextRun;

    /// <summary>How many occurrences were skipped because an execution ran past them.</summary>
    public long Skipped => Interlocked.Read(ref _skipped);

    /// <summary>The first occurrence after <paramref name="from"/>, in UTC (null when the expression has none left):
    /// what the worker's schedule is computed with.</summary>
    public DateTimeOffset? NextOccurrence(DateTimeOffset from) =>
        _expression.GetNextOccurrence(from.UtcDateTime, TimeZone) is { } next ? new DateTimeOffset(next, TimeSpan.Zero) : null;

    /// <summary>Runs the body now instead of at the next occurrence (or once more right after the current execution);
    /// the schedule stays as it is.</summary>
    public void Trigger() => Signal(trigger: true);

    private protected override WorkerType Type => WorkerType.Cron;

    private protected override void StartSchedule(long now) => _nextDue = NextAfter(now);

    private protected override bool IsDue(long now, out long dueAt)
    {
        dueAt = _nextDue;
        return Triggered || now >= _nextDue;
    }

    private protected override void OnRunAccepted(long now)
    {
        // A scheduled run moves the schedule on to the occurrence after the one it was due at (anchored); a trigger
        // before the due time leaves it alone.
        bool scheduled = now >= _nextDue;
        base.OnRunAccepted(now);
        if (scheduled)
        {
            _nextDue = NextAfter(_nextDue);
        }
    }

    private protected override void OnRunEnded()
    {
        var clock = Supervisor!.Clock;
        long now = clock.Now;
        if (_nextDue > now)
        {
            return;
        }

        // The execution ran past its next occurrence (and maybe more): skip them, no burst.
        long skipped = 0;
        while (_nextDue <= now)
        {
            _nextDue = NextAfter(_nextDue);
            skipped++;
        }

        Interlocked.Add(ref _skipped, skipped);
        var next = _nextDue == long.MaxValue ? DateTimeOffset.MaxValue : clock.ToUtc(_nextDue);
        LogAfterGate(logger => Log.CronSkipped(logger, Name, skipped, Cron, next));
    }

    private protected override TaskHandle CreateRun(CancellationToken cancellationToken) => _body.CreateRun(this, default, cancellationToken);

    /// <summary>The timestamp of the first occurrence strictly after <paramref name="timestamp"/>.</summary>
    private long NextAfter(long timestamp)
    {
        if (timestamp == long.MaxValue)
        {
            return long.MaxValue;
        }

        var clock = Supervisor!.Clock;
        var at = clock.ToUtc(timestamp);
        if (NextOccurrence(at) is not { } next)
        {
            return long.MaxValue;
        }

        // Timestamps are finer than the wall clock's ticks: never schedule at or before the occurrence just passed.
        return Math.Max(timestamp + 1, timestamp + clock.ToUnits(next - at));
    }

    private static CronExpression Parse(string name, string cron)
    {
        int fields = cron.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries).Length;
        try
        {
            return CronExpression.Parse(cron, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
        }
        catch (CronFormatException error)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Worker '{name}': '{cron}' is not a valid cron expression: {error.Message}"), nameof(cron), error);
        }
    }

    private static TimeZoneInfo FindZone(string name, string? timeZone)
    {
        if (timeZone is null)
        {
            return TimeZoneInfo.Utc;
        }

        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(timeZone);
        }
        catch (Exception error) when (error is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new ArgumentException($"Worker '{name}': '{timeZone}' is not a time zone this machine knows (an IANA id such as 'Europe/Berlin', or a Windows id): {error.Message}", nameof(timeZone), error);
        }
    }

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
