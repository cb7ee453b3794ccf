using System.Threading.Channels;
using Atasker.Benchmarks.Quick;

namespace Atasker.Benchmarks.Comparisons;

/// <summary>6: a queue worker (every item one execution, one task on the pool) against the raw single-reader
/// Channel consumer loop that people write by hand: one producer puts the items, the body is trivial.</summary>
internal static class QueueWorkers
{
    public static void Run(Report report, QuickOptions options)
    {
        int ops = options.Ops(20_000);
        using var supervisor = new TaskSupervisor("bench-queue");
        var countdown = new Countdown();
        var threads = new QueueWorker<int>("bench-thread-queue", (_, _) => countdown.Signal());
        threads.Start(supervisor);
        var looped = new QueueWorker<int>("bench-loop-queue", (_, _) =>
        {
            countdown.Signal();
            return ValueTask.CompletedTask;
        });
        looped.Start(supervisor);

        var channel = Channel.CreateUnbounded<int>(new UnboundedChannelOptions { SingleReader = true });
        var consumer = Task.Run(async () =>
        {
            while (await channel.Reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (channel.Reader.TryRead(out _))
                {
                    countdown.Signal();
                }
            }
        });

        var samples = Rounds.Interleave(
        [
            new("Atasker: QueueWorker<int>, sync body (supervisor threads)", n => Feed(n, countdown, item => threads.Put(item))),
            new("Atasker: QueueWorker<int>, ValueTask body (async loop)", n => Feed(n, countdown, item => looped.Put(item))),
            new("Channel<int> + one reader loop", n => Feed(n, countdown, item => channel.Writer.TryWrite(item))),
        ], ops, options);

        channel.Writer.Complete();
        consumer.Wait();
        threads.Stop();
        looped.Stop();

        report.Title("6. Queue worker vs a single-reader Channel loop", $"{ops:N0} items per round from one producer, trivial body");
        report.Table(samples, "Channel<int> + one reader loop", "item");
        double baseline = Rounds.Median(samples["Channel<int> + one reader loop"].Select(s => s.NanosecondsPerOp));
        report.Target("6. Atasker queue worker (sync body) / Channel reader loop, time per item",
            Rounds.Median(samples["Atasker: QueueWorker<int>, sync body (supervisor threads)"].Select(s => s.NanosecondsPerOp)) / baseline, 1.2);
    }

    private static void Feed(int n, Countdown countdown, Action<int> put)
    {
        countdown.Reset(n);
        for (int i = 0; i < n; i++)
        {
            put(i);
        }

        countdown.Wait();
    }
}
