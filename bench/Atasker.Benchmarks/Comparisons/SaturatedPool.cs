using Atasker.Benchmarks.Quick;

namespace Atasker.Benchmarks.Comparisons;

/// <summary>11: a pool at its limit with a deep queue, as users of a priority pool live: an 8-slot pool fed 200,000
/// no-op tasks by one producer and waited for with TaskHandle.WaitCompleted, against Task.Run + Task.WaitAll. (The
/// one-slot pool against the async gate is comparison 2.)</summary>
internal static class SaturatedPool
{
    public static void Run(Report report, QuickOptions options)
    {
        int ops = options.Ops(200_000);
        using var supervisor = new TaskSupervisor("bench-saturated");
        supervisor.SetThreadPool(8);
        var taskOptions = new TaskOptions { Supervisor = supervisor };
        var handles = new TaskHandle[ops];
        var tasks = new Task[ops];

        var samples = Rounds.Interleave(
        [
            new("Atasker: 8-slot pool, stubs, WaitCompleted", n => Scenarios.AtaskerWaitCompleted(n, handles, taskOptions)),
            new("Task.Run + Task.WaitAll", n => Scenarios.TaskRunWaitAll(n, tasks)),
        ], ops, options);

        report.Title("11. Saturated pool", $"{ops:N0} no-op tasks per round from one producer into 8 slots, so the queue runs deep; waited for as a user would");
        report.Table(samples, "Task.Run + Task.WaitAll", "task");
        report.Target("11. Atasker saturated 8-slot pool / Task.Run+WaitAll, time per task", Rounds.Ratio(samples, "Atasker: 8-slot pool, stubs, WaitCompleted", "Task.Run + Task.WaitAll"), 2.5, stretch: 1.5);
        report.Target("9. Atasker bytes allocated per task, saturated pool", Rounds.Median(samples["Atasker: 8-slot pool, stubs, WaitCompleted"].Select(s => s.BytesPerOp)), 128, "F0");
    }
}
