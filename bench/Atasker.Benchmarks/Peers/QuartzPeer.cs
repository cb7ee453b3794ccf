using Quartz;

namespace Atasker.Benchmarks.Peers;

/// <summary>Quartz.NET 4.7 with the in-memory job store (no database) and its default thread pool at the comparison's
/// concurrency; trigger batches left at the in-memory store's default of one (its documentation measured larger
/// batches slower for bursts of one-off triggers). One job and one "now" trigger per fire-and-forget job; trigger
/// priority High = 10, Low = 1.</summary>
internal sealed class QuartzPeer : IPeer
{
    private static int s_instances;
    private readonly StandaloneSchedulerFactory _factory;
    private readonly IScheduler _scheduler;

    public QuartzPeer(int concurrency)
    {
        string name = $"bench-quartz-{Interlocked.Increment(ref s_instances)}";
        _factory = QuartzSchedulerBuilder
            .Create(q => q
                .ConfigureScheduler(options => options.InstanceName = name)
                .UseDefaultThreadPool(maxConcurrency: concurrency)
                .UseInMemoryStore())
            .Build();
        _scheduler = _factory.GetScheduler().AsTask().GetAwaiter().GetResult();
        _scheduler.Start().AsTask().GetAwaiter().GetResult();
    }

    public string Name => "Quartz.NET 4.7 (RAM store)";

    public string Settings => "UseInMemoryStore(); UseDefaultThreadPool(maxConcurrency: concurrency); default trigger batch (1); a StartNow trigger per job, priority 10 (High) or 1 (Low); priority only breaks ties between equal fire times";

    public bool HasPriorities => true;

    public void Enqueue(PeerJobKind kind)
    {
        var job = JobBuilder.Create<RunJob>().UsingJobData("kind", (int)kind).Build();
        var trigger = TriggerBuilder.Create().StartNow().WithPriority(kind == PeerJobKind.High ? 10 : 1).Build();
        _ = _scheduler.ScheduleJob(job, trigger).AsTask().GetAwaiter().GetResult();
    }

    public async ValueTask DisposeAsync()
    {
        await _scheduler.Shutdown(waitForJobsToComplete: false).ConfigureAwait(false);
        await _factory.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>The job type Quartz instantiates for every execution.</summary>
    public sealed class RunJob : IJob
    {
        public ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
        {
            PeerJobs.Run(context.MergedJobDataMap.GetInt("kind"));
            return default;
        }
    }
}
