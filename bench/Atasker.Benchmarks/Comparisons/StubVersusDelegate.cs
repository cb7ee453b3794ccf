using Atasker.Benchmarks.Quick;

namespace Atasker.Benchmarks.Comparisons;

/// <summary>8: the generated stub against submitting the same work through a delegate (no reflection in either path).</summary>
internal static class StubVersusDelegate
{
    public static void Run(Report report, QuickOptions options)
    {
        int ops = options.Ops(20_000);
        using var supervisor = new TaskSupervisor("bench-stub");
        supervisor.SetThreadPool(0);
        var taskOptions = new TaskOptions { Supervisor = supervisor };
        var countdown = new Countdown();

        var samples = Rounds.Interleave(
        [
            new("Atasker: generated stub", n => Scenarios.AtaskerStubs(n, countdown, taskOptions)),
            new("Atasker: supervisor.Submit(lambda)", n => Scenarios.AtaskerDelegates(n, countdown, supervisor)),
        ], ops, options);

        report.Title("8. Generated stub vs a delegate", $"{ops:N0} no-op tasks per round through the same supervisor");
        report.Table(samples, "Atasker: supervisor.Submit(lambda)", "task");
    }
}
