using System;
using System.Diagnostics;
using System.Threading;

namespace Atasker;

/// <summary>
/// The time a supervisor runs on: <see cref="ClockThread.Shared"/> with <see cref="Stopwatch"/> timestamps by default,
/// or a <see cref="TimeProvider"/> the supervisor was given (tests drive one with a fake). Every timestamp a task,
/// pool or worker of the supervisor keeps is in this clock's units.
/// </summary>
internal sealed class SupervisorClock
{
    /// <summary>Atasker's own clock.</summary>
    public static readonly SupervisorClock Own = new(null);

    private readonly TimeProvider? _provider;
    private readonly long _originTimestamp;
    private readonly DateTimeOffset _originUtc;

    private SupervisorClock(TimeProvider? provider)
    {
        _provider = provider;
        Frequency = provider?.TimestampFrequency ?? Stopwatch.Frequency;
        _originTimestamp = Now;
        _originUtc = provider?.GetUtcNow() ?? DateTimeOffset.UtcNow;
    }

    /// <summary>The provider the clock follows, or null for Atasker's own.</summary>
    public TimeProvider? Provider => _provider;

    /// <summary>Timestamp units per second.</summary>
    public long Frequency { get; }

    /// <summary>Now, as a timestamp of this clock.</summary>
    public long Now => _provider is null ? Stopwatch.GetTimestamp() : _provider.GetTimestamp();

    /// <summary>Now, to the millisecond and cheaper than <see cref="Now"/> on Atasker's own clock (a counter read once
    /// per worker execution); turned into a time with <see cref="CoarseToUtc"/>.</summary>
    public long CoarseNow => _provider is null ? Environment.TickCount64 : _provider.GetTimestamp();

    /// <summary>The wall-clock time of a <see cref="CoarseNow"/> reading.</summary>
    public DateTimeOffset CoarseToUtc(long coarse) =>
        _provider is null ? DateTimeOffset.UtcNow - TimeSpan.FromMilliseconds(Environment.TickCount64 - coarse) : ToUtc(coarse);

    /// <summary>The clock of a supervisor given <paramref name="provider"/> (null: Atasker's own).</summary>
    public static SupervisorClock For(TimeProvider? provider) => provider is null ? Own : new SupervisorClock(provider);

    /// <summary>A duration in timestamp units; <see cref="long.MaxValue"/> for an infinite one.</summary>
    public long ToUnits(TimeSpan duration) =>
        duration == Timeout.InfiniteTimeSpan
            ? long.MaxValue
            : (long)Math.Min(long.MaxValue / 2.0, duration.Ticks * (double)Frequency / TimeSpan.TicksPerSecond);

    /// <summary>The time from one timestamp to a later one (zero if it is not later).</summary>
    public TimeSpan Elapsed(long from, long to) =>
        to <= from ? TimeSpan.Zero : TimeSpan.FromTicks((long)((to - from) * (double)TimeSpan.TicksPerSecond / Frequency));

    /// <summary>The wall-clock time of a timestamp.</summary>
    public DateTimeOffset ToUtc(long timestamp) =>
        _originUtc + TimeSpan.FromTicks((long)((timestamp - _originTimestamp) * (double)TimeSpan.TicksPerSecond / Frequency));

    /// <summary>Cancels <paramref name="source"/> after <paramref name="delay"/> on this clock (its callbacks then run
    /// on the clock's thread, so they must be short); disarm the returned timer to call it off.</summary>
    public ClockTimer CancelAfter(CancellationTokenSource source, TimeSpan delay)
    {
        var timer = CreateTimer(static source => ((CancellationTokenSource)source!).Cancel(), source);
        timer.Arm(Now + ToUnits(delay));
        return timer;
    }

    /// <summary>Runs <paramref name="callback"/> once after <paramref name="delay"/> on this clock's thread (it must
    /// only hand work off).</summary>
    public void After(TimeSpan delay, Action callback)
    {
        var timer = CreateTimer(static callback => ((Action)callback!)(), callback);
        timer.Arm(Now + ToUnits(delay));
    }

    /// <summary>Creates a timer of this clock.</summary>
    public ClockTimer CreateTimer(Action<object?> callback, object? state) =>
        _provider is null ? ClockThread.Shared.CreateTimer(callback, state) : new ProviderTimer(this, _provider, callback, state);

    /// <summary>
    /// A timer on a <see cref="TimeProvider"/>. A provider may run a callback inside <c>Change</c> when the time is
    /// already due (a fake one does), and arming happens under the arming component's lock: so an arming for now or the
    /// past goes to Atasker's own clock thread instead, which fires it at once.
    /// </summary>
    private sealed class ProviderTimer : ClockTimer
    {
        private readonly SupervisorClock _clock;
        private readonly ITimer _timer;
        private readonly ClockThread.Timer _now;
        private readonly Gate _gate = new();

        private static readonly TimeSpan MaxWait = TimeSpan.FromDays(24);

        // Guarded by _gate: the due time of the current arming, and whether one is in force.
        private long _due;
        private bool _armed;

        public ProviderTimer(SupervisorClock clock, TimeProvider provider, Action<object?> callback, object? state)
            : base(callback, state)
        {
            _clock = clock;
            _timer = provider.CreateTimer(static timer => ((ProviderTimer)timer!).OnTick(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _now = ClockThread.Shared.CreateTimer(static timer => ((ProviderTimer)timer!).OnTick(), this);
        }

        public override void Arm(long due)
        {
            lock (_gate)
            {
                _due = due;
                _armed = true;
                ChangeFrom(_clock.Now, due);
            }
        }

        /// <summary>
        /// Arms for <paramref name="due"/>, the clock reading <paramref name="now"/>: due now or past goes to the clock
        /// thread, later to the provider. The provider measures its wait from its own time at <c>Change</c>: a fake
        /// provider advanced by another thread between the read and the change would fire late by the whole advance (a
        /// test that advances to the due time would wait for ever). So the clock is read again, and a move is made good,
        /// a few times at most (a real provider moves every time, by nothing that matters).
        /// </summary>
        private void ChangeFrom(long now, long due)
        {
            for (int attempt = 0; attempt < 3; attempt++)
            {
                if (due <= now)
                {
                    _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                    _now.Arm(0);
                    return;
                }

                _now.Disarm();
                _timer.Change(Until(now, due), Timeout.InfiniteTimeSpan);
                long after = _clock.Now;
                if (after == now)
                {
                    return;
                }

                now = after;
            }
        }

        public override bool Disarm()
        {
            lock (_gate)
            {
                bool was = _armed;
                _armed = false;
                _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                _now.Disarm();
                return was;
            }
        }

        /// <summary>The provider's wait from <paramref name="now"/> to a later <paramref name="due"/>: never zero, which
        /// would fire inside <c>Change</c>, and never more than <see cref="MaxWait"/>: timers refuse waits past about
        /// 49 days (a yearly cron schedule is further); the early tick re-arms for the rest.</summary>
        private TimeSpan Until(long now, long due) => TimeSpan.FromTicks(Math.Clamp(_clock.Elapsed(now, due).Ticks, 1, MaxWait.Ticks));

        private void OnTick()
        {
            lock (_gate)
            {
                if (!_armed)
                {
                    return; // A tick of an arming that was withdrawn.
                }

                long now = _clock.Now;
                if (now < _due)
                {
                    // Early: the tick of an arming that was replaced, or the rounding of a conversion.
                    ChangeFrom(now, _due);
                    return;
                }

                _armed = false;
            }

            Fire();
        }
    }
}
