using Hangfire;
using Hangfire.Common;
using Hangfire.InMemory;
using Hangfire.States;

namespace Atasker.Benchmarks.Peers;

/// <summary>Hangfire 1.8 with its in-memory storage (its fastest: no database round trip), a server with the
/// comparison's worker count, retries off, queues "high" then "default" (a worker takes from the first queue that has
/// a job: Hangfire's way of prioritizing).</summary>
internal sealed class HangfirePeer : IPeer
{
    private static readonly Job s_signal = Job.FromExpression(() => PeerJobs.Run((int)PeerJobKind.Signal));
    private static readonly Job s_low = Job.FromExpression(() => PeerJobs.Run((int)PeerJobKind.Low));
    private static readonly Job s_high = Job.FromExpression(() => PeerJobs.Run((int)PeerJobKind.High));
    private static readonly Job s_hold = Job.FromExpression(() => PeerJobs.Run((int)PeerJobKind.Hold));
    private static readonly Job s_block = Job.FromExpression(() => PeerJobs.Run((int)PeerJobKind.Block));

    private readonly InMemoryStorage _storage;
    private readonly BackgroundJobServer _server;
    private readonly BackgroundJobClient _client;

    static HangfirePeer()
    {
        GlobalJobFilters.Filters.Add(new AutomaticRetryAttribute { Attempts = 0 });
    }

    public HangfirePeer(int concurrency)
    {
        _storage = new InMemoryStorage(new InMemoryStorageOptions());
        _client = new BackgroundJobClient(_storage);
        _server = new BackgroundJobServer(
            new BackgroundJobServerOptions
            {
                WorkerCount = concurrency,
                Queues = ["high", "default"],
                ServerName = "bench-hangfire",
            },
            _storage);
    }

    public string Name => "Hangfire 1.8 + InMemory";

    public string Settings => "Hangfire.InMemory storage; BackgroundJobServer WorkerCount = concurrency; AutomaticRetry off; queues [high, default]";

    public bool HasPriorities => true;

    public void Enqueue(PeerJobKind kind)
    {
        var (job, queue) = kind switch
        {
            PeerJobKind.Low => (s_low, "default"),
            PeerJobKind.High => (s_high, "high"),
            PeerJobKind.Hold => (s_hold, "default"),
            PeerJobKind.Block => (s_block, "default"),
            _ => (s_signal, "default"),
        };
        _ = _client.Create(job, new EnqueuedState(queue));
    }

    public ValueTask DisposeAsync()
    {
        _server.SendStop();
        _server.Dispose();
        _storage.Dispose();
        return default;
    }
}
