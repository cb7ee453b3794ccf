using Atasker.Benchmarks.Quick;

namespace Atasker.Benchmarks.Comparisons;

/// <summary>2: a one-slot pool with a long queue, so every start is a hand-off, against the usual async gate: each
/// Task.Run awaits a SemaphoreSlim(1).</summary>
internal static class OneSlotHandoff
{
    public static void Run(Report report, QuickOptions options)
    {
        int ops = options.Ops(50_000);
        using var supervisor = new TaskSupervisor("bench-one-slot");
        supervisor.SetThreadPool(1);
        var taskOptions = new TaskOptions { Supervisor = supervisor };
        var countdown = new Countdown();
        using var gate = new SemaphoreSlim(1);

        var samples = Rounds.Interleave(
        [
            new("Atasker: 1-slot pool, generated stubs", n => Scenarios.AtaskerStubs(n, countdown, taskOptions)),
            new("SemaphoreSlim(1) gate over Task.Run", n => Scenarios.SemaphoreGate(n, countdown, gate)),
        ], ops, options);

        report.Title("2. One-slot pool with a long queue", $"{ops:N0} tasks per round; every start waits for the one before it");
        report.Table(samples, "SemaphoreSlim(1) gate over Task.Run", "task");
        var atasker = samples["Atasker: 1-slot pool, generated stubs"];
        double ratio = Rounds.Ratio(samples, "Atasker: 1-slot pool, generated stubs", "SemaphoreSlim(1) gate over Task.Run");
        report.Target("2. Atasker 1-slot pool / SemaphoreSlim gate, time per task", ratio, 1.0, stretch: 0.5);
        report.Target("9. Atasker bytes allocated per queued task", Rounds.Median(atasker.Select(s => s.BytesPerOp)), 128, "F0");
    }
}
