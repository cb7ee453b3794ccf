using Coravel;
using Coravel.Queuing.Interfaces;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Atasker.Benchmarks.Peers;

/// <summary>Coravel 6's queue in a generic host, consumed by its hosted service every ConsummationDelay seconds (a
/// whole number: 1, its smallest). For the throughput and blocking runs the batch is also consumed directly
/// (<c>ConsumeQueueAsync</c>) right after it was queued, the fastest the queue can go. No priorities, no concurrency
/// setting: a consumption runs what it dequeued.</summary>
internal sealed class CoravelPeer : IPeer
{
    private readonly IHost _host;
    private readonly IQueue _queue;

    public CoravelPeer()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Coravel:Queue:ConsummationDelay"] = "1" });
        builder.Logging.ClearProviders();
        builder.Services.AddQueue();
        _host = builder.Build();
        _host.Services.ConfigureQueue();
        _queue = _host.Services.GetRequiredService<IQueue>();
        _host.StartAsync().GetAwaiter().GetResult();
    }

    public string Name => "Coravel 6 (queue)";

    public string Settings => "AddQueue(); ConsummationDelay = 1 s (whole seconds only); batches also consumed at once with ConsumeQueueAsync; no priorities, no concurrency limit";

    public bool HasPriorities => false;

    public void Enqueue(PeerJobKind kind) => _queue.QueueTask(() => PeerJobs.Run((int)kind));

    public void Flush() => ((Coravel.Queuing.Queue)_queue).ConsumeQueueAsync().GetAwaiter().GetResult();

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync().ConfigureAwait(false);
        _host.Dispose();
    }
}
