using Atasker.Benchmarks.Quick;

namespace Atasker.Benchmarks.Comparisons;

/// <summary>4: priority admission under contention: 8 producers, 4 priorities, a small pool (2, 1, 1), against 8
/// producers feeding 4 consumers through a Channel (bounded parallelism without priorities).</summary>
internal static class PriorityContention
{
    private const int Producers = 8;

    public static void Run(Report report, QuickOptions options)
    {
        int ops = options.Ops(40_000) / Producers * Producers;
        using var supervisor = new TaskSupervisor("bench-contention");
        supervisor.SetThreadPool(2, 1, 1);
        var byPriority = Enum.GetValues<TaskPriority>().Select(priority => new TaskOptions { Supervisor = supervisor, Priority = priority }).ToArray();
        var countdown = new Countdown();

        var samples = Rounds.Interleave(
        [
            new("Atasker: pool (2,1,1), 4 priorities", n => Scenarios.AtaskerProducers(n, countdown, Producers, byPriority)),
            new("Channel + 4 consumers, no priorities", n => Scenarios.ChannelConsumers(n, countdown, Producers)),
        ], ops, options);

        report.Title("4. Priority admission under contention", $"{ops:N0} tasks per round from {Producers} producer threads (barrier start), priorities Low..Critical in turn");
        report.Table(samples, "Channel + 4 consumers, no priorities", "task");
    }
}
