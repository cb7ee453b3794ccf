using System.Diagnostics;
using Atasker.Benchmarks.Quick;

namespace Atasker.Benchmarks.Comparisons;

/// <summary>3: the round trip of a Critical task (submit, run, the waiter wakes) while the pool is full of blocked
/// tasks, against the same round trip through Task.Run on an idle ThreadPool.</summary>
internal static class CriticalLatency
{
    public static void Run(Report report, QuickOptions options)
    {
        int trips = options.Ops(4_000);
        using var supervisor = new TaskSupervisor("bench-critical");
        supervisor.SetThreadPool(4);
        var taskOptions = new TaskOptions { Supervisor = supervisor };
        using var release = new ManualResetEventSlim();
        var holders = Enumerable.Range(0, 4).Select(_ =>
        {
            using var started = new ManualResetEventSlim();
            var handle = Workloads.StartHold(started, release, taskOptions);
            started.Wait();
            return handle;
        }).ToList();

        var atasker = new List<double>(trips);
        var taskRun = new List<double>(trips);
        long ataskerBytes = 0, taskRunBytes = 0;
        for (int i = 0; i < trips + (trips / 4); i++)
        {
            bool record = i >= trips / 4; // the first quarter warms up
            long before = GC.GetTotalAllocatedBytes(precise: false);
            long start = Stopwatch.GetTimestamp();
            Workloads.StartCritical(i, taskOptions).Wait();
            double elapsed = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            long middle = GC.GetTotalAllocatedBytes(precise: false);
            start = Stopwatch.GetTimestamp();
            int value = i;
            Task.Run(() => value).Wait();
            double baseline = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            if (record)
            {
                atasker.Add(elapsed);
                taskRun.Add(baseline);
                ataskerBytes += middle - before;
                taskRunBytes += GC.GetTotalAllocatedBytes(precise: false) - middle;
            }
        }

        if (supervisor.GetInfo().Thread.Active < 4)
        {
            throw new InvalidOperationException("The pool was not full during the measurement.");
        }

        release.Set();
        TaskHandle.WaitCompleted(holders);

        report.Title("3. Critical round trip in a full pool", $"{trips:N0} round trips (submit, run, waiter wakes); pool (4) held by 4 blocked tasks; Task.Run on an idle ThreadPool alongside");
        report.Latencies(new()
        {
            ["Atasker: Critical StartX + Wait, full pool"] = (atasker, (double)ataskerBytes / trips),
            ["Task.Run + Wait, idle ThreadPool"] = (taskRun, (double)taskRunBytes / trips),
        });
        report.Target("3. Atasker Critical round trip p50 (µs)", Rounds.Percentile(atasker, 0.5), 50, "F1");
        report.Target("3. Atasker Critical round trip p99 (µs)", Rounds.Percentile(atasker, 0.99), 500, "F1");
    }
}
