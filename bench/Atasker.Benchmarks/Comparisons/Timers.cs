using System.Diagnostics;
using Atasker.Benchmarks.Quick;

namespace Atasker.Benchmarks.Comparisons;

/// <summary>10: Atasker's clock against the runtime's timers: the cost to arm and cancel a timer while 100,000 others
/// are pending, and how late 100,000 delayed tasks with random 1-100 ms delays start, next to Task.Delay.</summary>
internal static class Timers
{
    private const int Pending = 100_000;

    public static void Run(Report report, QuickOptions options)
    {
        ArmAndCancel(report, options);
        Lateness(report, options);
    }

    private static void ArmAndCancel(Report report, QuickOptions options)
    {
        int ops = options.Ops(200_000);
        var random = new Random(7);
        var dues = Enumerable.Range(0, 4096).Select(_ => TimeSpan.FromMilliseconds(1 + random.Next(100))).ToArray();

        // 100,000 timers pending on each clock for the whole measurement (due in an hour, so none fires meanwhile).
        var clock = SupervisorClock.Own;
        var background = Enumerable.Range(0, Pending).Select(_ => clock.CreateTimer(static _ => { }, null)).ToList();
        background.ForEach(timer => timer.Arm(clock.Now + clock.ToUnits(TimeSpan.FromHours(1))));
        var runtimeBackground = Enumerable.Range(0, Pending).Select(_ => new Timer(static _ => { }, null, TimeSpan.FromHours(1), Timeout.InfiniteTimeSpan)).ToList();
        var ours = clock.CreateTimer(static _ => { }, null);
        using var theirs = new Timer(static _ => { }, null, Timeout.Infinite, Timeout.Infinite);

        var samples = Rounds.Interleave(
        [
            new("Atasker clock: arm + disarm", n =>
            {
                for (int i = 0; i < n; i++)
                {
                    ours.Arm(clock.Now + clock.ToUnits(dues[i & 4095]));
                    ours.Disarm();
                }
            }),
            new("System.Threading.Timer: Change + Change(Infinite)", n =>
            {
                for (int i = 0; i < n; i++)
                {
                    theirs.Change(dues[i & 4095], Timeout.InfiniteTimeSpan);
                    theirs.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                }
            }),
            new("Task.Delay(d, token) + cancel", n =>
            {
                for (int i = 0; i < n; i++)
                {
                    using var cancel = new CancellationTokenSource();
                    _ = Task.Delay(dues[i & 4095], cancel.Token);
                    cancel.Cancel();
                }
            }),
        ], ops, options);

        background.ForEach(timer => timer.Disarm());
        runtimeBackground.ForEach(timer => timer.Dispose());
        report.Title("10a. Arm and cancel a timer, 100,000 pending", $"{ops:N0} arm + cancel pairs per round, random 1-100 ms due times");
        report.Table(samples, "System.Threading.Timer: Change + Change(Infinite)", "pair");
        report.Target("10. Atasker clock arm + cancel (ns)", Rounds.Median(samples["Atasker clock: arm + disarm"].Select(s => s.NanosecondsPerOp)), 100, "F0");
    }

    /// <summary>
    /// 10b, precision: a thousand delayed tasks with random 1-100 ms delays, submitted at once, while 100,000 timers
    /// are pending on each clock. 10c, density: 100,000 delayed tasks armed first and then all due within the same
    /// 100 ms (a thousand a millisecond), so what it measures is how fast a clock hands them over.
    /// </summary>
    private static void Lateness(Report report, QuickOptions options)
    {
        var random = new Random(11);
        var clock = SupervisorClock.Own;
        var background = Enumerable.Range(0, Pending).Select(_ => clock.CreateTimer(static _ => { }, null)).ToList();
        background.ForEach(timer => timer.Arm(clock.Now + clock.ToUnits(TimeSpan.FromHours(1))));
        var runtimeBackground = Enumerable.Range(0, Pending).Select(_ => new Timer(static _ => { }, null, TimeSpan.FromHours(1), Timeout.InfiniteTimeSpan)).ToList();
        var sparse = Enumerable.Range(0, 1_000).Select(_ => TimeSpan.FromMilliseconds(1 + random.Next(100))).ToArray();
        var precision = Measure(report, sparse, rounds: Math.Max(3, options.Rounds / 2));
        background.ForEach(timer => timer.Disarm());
        runtimeBackground.ForEach(timer => timer.Dispose());
        report.Title("10b. Delayed tasks with random 1-100 ms delays, 100,000 timers pending", $"1,000 per round, {Math.Max(3, options.Rounds / 2) - 1} rounds; lateness after the due time (µs)");
        report.Latencies(precision);
        report.Target("10. Atasker delayed task hand-over lateness p99 (ms), 100,000 pending", Rounds.Percentile(precision[HandedOver].Microseconds, 0.99) / 1000, 2, "F2");

        // All 100,000 armed before the first is due: the submitting thread does not compete with the clock.
        int count = options.Ops(Pending);
        var offset = TimeSpan.FromMilliseconds(Math.Max(300, count / 200));
        var dense = Enumerable.Range(0, count).Select(_ => offset + TimeSpan.FromMilliseconds(1 + random.Next(100))).ToArray();
        var density = Measure(report, dense, rounds: 3);
        report.Title("10c. 100,000 delayed tasks due within the same 100 ms", $"{count:N0} armed first, a thousand due each millisecond; lateness after the due time (µs), two rounds");
        report.Latencies(density);
    }

    private static readonly TaskSupervisor Delayed = new("bench-delayed");

    private const string HandedOver = "Atasker: delayed task handed to its pool (the clock)";

    private static Dictionary<string, (List<double> Microseconds, double Bytes)> Measure(Report report, TimeSpan[] delays, int rounds)
    {
        var rows = new Dictionary<string, (List<double> Microseconds, double Bytes)>();
        var arm = new List<(double Atasker, double TaskDelay)>();
        for (int round = 0; round < rounds; round++)
        {
            int gen0 = GC.CollectionCount(0), gen2 = GC.CollectionCount(2);
            var atasker = AtaskerDelayed(delays);
            if (Environment.GetEnvironmentVariable("ATASKER_BENCH_SAMPLES") == "1")
            {
                var late = atasker.HandedOver.Order().ToArray();
                report.Note($"round {round}: gen0 {GC.CollectionCount(0) - gen0}, gen2 {GC.CollectionCount(2) - gen2}, worst {string.Join(" ", late.TakeLast(12).Select(l => l.ToString("F0", System.Globalization.CultureInfo.InvariantCulture)))}");
            }

            var timerThread = TaskDelays(delays, TaskContinuationOptions.ExecuteSynchronously);
            var threadPool = TaskDelays(delays, TaskContinuationOptions.None);
            if (round == 0)
            {
                continue; // warm-up
            }

            Add(rows, HandedOver, atasker.HandedOver, atasker.Bytes);
            Add(rows, "Task.Delay: its timer callback (ExecuteSynchronously)", timerThread.Late, timerThread.Bytes);
            Add(rows, "Atasker: body start, default thread pool", atasker.Started, atasker.Bytes);
            Add(rows, "Task.Delay: ContinueWith on the ThreadPool", threadPool.Late, threadPool.Bytes);
            arm.Add((atasker.ArmNs, timerThread.ArmNs));
        }

        report.Note(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{delays.Length:N0} at once: submitting costs a median {Rounds.Median(arm.Select(a => a.Atasker)):F0} ns a delayed task, {Rounds.Median(arm.Select(a => a.TaskDelay)):F0} ns a Task.Delay + ContinueWith"));
        return rows;
    }

    private static void Add(Dictionary<string, (List<double> Microseconds, double Bytes)> rows, string name, List<double> late, double bytes)
    {
        if (!rows.TryGetValue(name, out var row))
        {
            rows[name] = row = ([], 0);
        }

        row.Microseconds.AddRange(late);
        rows[name] = (row.Microseconds, bytes);
    }

    private static (List<double> HandedOver, List<double> Started, double ArmNs, double Bytes) AtaskerDelayed(TimeSpan[] delays)
    {
        // One supervisor for every round, as an app has: its threads are created in the warm-up round.
        var supervisor = Delayed;
        var clock = supervisor.Clock;
        int threads = supervisor.ThreadsCreated;
        var started = new long[delays.Length];
        var handles = new TaskHandle[delays.Length];
        using var done = new CountdownEvent(delays.Length);
        long bytes = GC.GetTotalAllocatedBytes(precise: true);
        long begin = Stopwatch.GetTimestamp();
        for (int i = 0; i < delays.Length; i++)
        {
            int index = i;
            handles[i] = supervisor.Submit(() =>
            {
                started[index] = Stopwatch.GetTimestamp();
                done.Signal();
            }, new TaskOptions { Delay = delays[i] });
        }

        double armNs = Stopwatch.GetElapsedTime(begin).TotalNanoseconds / delays.Length;
        bytes = GC.GetTotalAllocatedBytes(precise: true) - bytes;
        done.Wait();
        if (Environment.GetEnvironmentVariable("ATASKER_BENCH_SAMPLES") == "1")
        {
            Console.WriteLine($"    threads created {supervisor.ThreadsCreated - threads}");
        }

        var due = handles.Select((handle, i) => handle.QueuedTicks + clock.ToUnits(delays[i])).ToArray();
        return (Late(handles.Select(handle => handle.EnqueuedTicks).ToArray(), due), Late(started, due), armNs, (double)bytes / delays.Length);
    }

    private static (List<double> Late, double ArmNs, double Bytes) TaskDelays(TimeSpan[] delays, TaskContinuationOptions continuation)
    {
        var started = new long[delays.Length];
        var due = new long[delays.Length];
        using var done = new CountdownEvent(delays.Length);
        long bytes = GC.GetTotalAllocatedBytes(precise: true);
        long begin = Stopwatch.GetTimestamp();
        for (int i = 0; i < delays.Length; i++)
        {
            int index = i;
            due[i] = Stopwatch.GetTimestamp() + (long)(delays[i].TotalSeconds * Stopwatch.Frequency);
            Task.Delay(delays[i]).ContinueWith(_ =>
            {
                started[index] = Stopwatch.GetTimestamp();
                done.Signal();
            }, CancellationToken.None, continuation, TaskScheduler.Default);
        }

        double armNs = Stopwatch.GetElapsedTime(begin).TotalNanoseconds / delays.Length;
        bytes = GC.GetTotalAllocatedBytes(precise: true) - bytes;
        done.Wait();
        return (Late(started, due), armNs, (double)bytes / delays.Length);
    }

    private static List<double> Late(long[] started, long[] due) =>
        started.Zip(due, (start, dueAt) => (start - dueAt) * 1_000_000.0 / Stopwatch.Frequency).ToList();
}
