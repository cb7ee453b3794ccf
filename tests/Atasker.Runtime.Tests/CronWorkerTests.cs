using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;

namespace Atasker.Runtime.Tests;

/// <summary>
/// Cron schedules on the supervisor's clock, driven with a <see cref="FakeTimeProvider"/>: no test sleeps through a
/// minute; each waits only for the signals of the executions it lets happen.
/// </summary>
public sealed class CronWorkerTests
{
    private static readonly DateTimeOffset Midnight = new(2026, 3, 29, 0, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Midnight);

    [Fact]
    public void Runs_at_each_occurrence_after_the_start_and_shows_the_next_one()
    {
        var supervisor = new TaskSupervisor("cron-every-5", _time);
        var starts = new BlockingCollection<DateTimeOffset>();
        var worker = new CronWorker("every-5", "*/5 * * * *", _ => starts.Add(_time.GetUtcNow()));

        Assert.Null(worker.NextRun); // not started
        worker.Start(supervisor);
        Assert.Equal(Midnight.AddMinutes(5), worker.NextRun);
        _time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromTicks(1));
        Assert.Empty(starts);
        _time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(Midnight.AddMinutes(5), Supervisors.Take(starts));
        Supervisors.Eventually(() => worker.Executions == 1, "the first execution ended");
        Assert.Equal(Midnight.AddMinutes(10), worker.NextRun);

        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(Midnight.AddMinutes(10), Supervisors.Take(starts));
        Supervisors.Eventually(() => worker.Executions == 2, "the second execution ended");
        Assert.Equal(0, worker.Skipped);
        Assert.Equal(WorkerType.Cron, supervisor.GetInfo().Workers.Single().Type);

        worker.Stop();
        Assert.Null(worker.NextRun);
        supervisor.Stop();
    }

    [Fact]
    public void A_seconds_field_is_allowed()
    {
        var supervisor = new TaskSupervisor("cron-seconds", _time);
        var starts = new BlockingCollection<DateTimeOffset>();
        var worker = new CronWorker("every-10s", "*/10 * * * * *", _ => starts.Add(_time.GetUtcNow()));

        worker.Start(supervisor);
        _time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(Midnight.AddSeconds(10), Supervisors.Take(starts));
        worker.Stop();
        supervisor.Stop();
    }

    [Fact]
    public void An_execution_that_runs_past_occurrences_skips_them_without_a_burst()
    {
        var supervisor = new TaskSupervisor("cron-overrun", _time);
        var starts = new BlockingCollection<DateTimeOffset>();
        using var release = new ManualResetEventSlim(false);
        var worker = new CronWorker("slow", "*/5 * * * *", _ =>
        {
            starts.Add(_time.GetUtcNow());
            Assert.True(release.Wait(Probe.Patience));
        });

        worker.Start(supervisor);
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(Midnight.AddMinutes(5), Supervisors.Take(starts));

        // The 00:05 execution runs until 00:17: 00:10 and 00:15 are skipped, the next runs at 00:20, not at once.
        _time.Advance(TimeSpan.FromMinutes(12));
        release.Set();
        Supervisors.Eventually(() => worker.Executions == 1, "the long execution ended");
        Assert.Equal(2, worker.Skipped);
        Assert.Equal(Midnight.AddMinutes(20), worker.NextRun);
        Assert.False(starts.TryTake(out _, TimeSpan.FromMilliseconds(100)), "a skipped occurrence ran");
        _time.Advance(TimeSpan.FromMinutes(3));
        Assert.Equal(Midnight.AddMinutes(20), Supervisors.Take(starts));

        worker.Stop();
        supervisor.Stop();
    }

    [Fact]
    public void Trigger_runs_it_now_and_leaves_the_schedule_as_it_was()
    {
        var supervisor = new TaskSupervisor("cron-trigger", _time);
        var starts = new BlockingCollection<DateTimeOffset>();
        var worker = new CronWorker("hourly", "0 * * * *", _ => starts.Add(_time.GetUtcNow()));

        worker.Start(supervisor);
        _time.Advance(TimeSpan.FromMinutes(20));
        worker.Trigger();
        Assert.Equal(Midnight.AddMinutes(20), Supervisors.Take(starts));
        Supervisors.Eventually(() => worker.Executions == 1, "the triggered execution ended");
        Assert.Equal(Midnight.AddHours(1), worker.NextRun);

        _time.Advance(TimeSpan.FromMinutes(40));
        Assert.Equal(Midnight.AddHours(1), Supervisors.Take(starts));
        worker.Stop();
        supervisor.Stop();
    }

    [Fact]
    public void A_time_zone_is_honoured_through_the_spring_gap_and_the_autumn_overlap()
    {
        // Europe/Berlin: on 2026-03-29 02:00 local jumps to 03:00; on 2026-10-25 03:00 local falls back to 02:00.
        var daily = new CronWorker("berlin", "30 2 * * *", _ => { }, timeZone: "Europe/Berlin");
        Assert.Equal("30 2 * * *", daily.Cron);

        // 02:30 does not exist on the 29th: it runs at the end of the gap, 03:00 CEST (01:00 UTC).
        Assert.Equal(new DateTimeOffset(2026, 3, 29, 1, 0, 0, TimeSpan.Zero), daily.NextOccurrence(new DateTimeOffset(2026, 3, 28, 23, 0, 0, TimeSpan.Zero)));

        // 02:30 happens twice on 25 October: the job runs once, at the first (00:30 UTC), and next on the 26th.
        var first = daily.NextOccurrence(new DateTimeOffset(2026, 10, 24, 23, 0, 0, TimeSpan.Zero));
        Assert.Equal(new DateTimeOffset(2026, 10, 25, 0, 30, 0, TimeSpan.Zero), first);
        Assert.Equal(new DateTimeOffset(2026, 10, 26, 1, 30, 0, TimeSpan.Zero), daily.NextOccurrence(first!.Value));

        // And the worker itself, started at 00:00 UTC on the 29th, runs at 01:00 UTC.
        var supervisor = new TaskSupervisor("cron-berlin", _time);
        var starts = new BlockingCollection<DateTimeOffset>();
        var worker = new CronWorker("berlin-run", "30 2 * * *", _ => starts.Add(_time.GetUtcNow()), timeZone: "Europe/Berlin");
        worker.Start(supervisor);
        Assert.Equal(Midnight.AddHours(1), worker.NextRun);
        _time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(Midnight.AddHours(1), Supervisors.Take(starts));
        worker.Stop();
        supervisor.Stop();
    }

    [Fact]
    public void UTC_is_the_default_time_zone()
    {
        var worker = new CronWorker("utc", "0 12 * * *", _ => { });

        Assert.Same(TimeZoneInfo.Utc, worker.TimeZone);
        Assert.Equal(Midnight.AddHours(12), worker.NextOccurrence(Midnight));
    }

    [Theory]
    [InlineData("*/5 * * *")]
    [InlineData("61 * * * *")]
    [InlineData("every five minutes")]
    public void Bad_cron_text_is_refused_naming_the_worker_with_the_parsers_reason(string cron)
    {
        var error = Assert.Throws<ArgumentException>(() => new CronWorker("reports", cron, _ => { }));

        Assert.Equal("cron", error.ParamName);
        Assert.Contains("Worker 'reports'", error.Message, StringComparison.Ordinal);
        Assert.Contains(cron, error.Message, StringComparison.Ordinal);
        Assert.IsType<Cronos.CronFormatException>(error.InnerException);
    }

    [Fact]
    public void An_unknown_time_zone_is_refused_naming_the_worker_and_the_zone()
    {
        var error = Assert.Throws<ArgumentException>(() => new CronWorker("reports", "0 * * * *", _ => { }, timeZone: "Mars/Olympus_Mons"));

        Assert.Equal("timeZone", error.ParamName);
        Assert.Contains("Worker 'reports'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Mars/Olympus_Mons", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_body_returning_false_stops_the_worker_and_stop_while_waiting_returns_at_once()
    {
        var supervisor = new TaskSupervisor("cron-false", _time);
        var once = new CronWorker("once", "* * * * *", _ => false);
        once.Start(supervisor);
        _time.Advance(TimeSpan.FromMinutes(1));
        Supervisors.Eventually(() => !once.IsActive, "the worker stopped itself");
        Assert.Equal(1, once.Executions);

        var yearly = new CronWorker("yearly", "0 0 1 1 *", _ => { });
        yearly.Start(supervisor);
        var stopped = yearly.StopAsync();
        Assert.True(stopped.Wait(Probe.Patience), "stopping a worker that waits for next year hung");
        Assert.Equal(0, yearly.Executions);
        supervisor.Stop();
    }

    [Fact]
    public void An_occurrence_further_away_than_a_timer_can_wait_still_runs_on_time()
    {
        // 2027-01-01 is 278 days away: past what a timer takes in one wait (about 49 days), so the wait is re-armed.
        var supervisor = new TaskSupervisor("cron-yearly", _time);
        var starts = new BlockingCollection<DateTimeOffset>();
        var worker = new CronWorker("new-year", "0 0 1 1 *", _ => starts.Add(_time.GetUtcNow()));
        var newYear = new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero);

        worker.Start(supervisor);
        Assert.Equal(newYear, worker.NextRun);
        _time.Advance(newYear - Midnight - TimeSpan.FromMinutes(1));
        Assert.Empty(starts);
        _time.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(newYear, Supervisors.Take(starts));
        worker.Stop();
        supervisor.Stop();
    }

    [Fact]
    public void On_the_supervisors_own_clock_a_schedule_a_year_away_is_armed_and_a_stop_returns_at_once()
    {
        var supervisor = new TaskSupervisor("cron-own-clock");
        var worker = new CronWorker("yearly", "0 0 1 1 *", _ => { });

        worker.Start(supervisor);
        var next = worker.NextRun;
        Assert.NotNull(next);
        Assert.Equal(worker.NextOccurrence(DateTimeOffset.UtcNow)!.Value, next!.Value, TimeSpan.FromSeconds(1));
        Assert.True(worker.StopAsync().Wait(Probe.Patience), "stopping a worker that waits for next year hung");
        Assert.Equal(0, worker.Executions);
        supervisor.Stop();
    }
}
