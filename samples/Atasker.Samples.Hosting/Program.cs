using Atasker;

// A worker service: `dotnet run --project samples/Atasker.Samples.Hosting` and press Ctrl+C to stop it (or pass
// `--run-for 3` to stop after three seconds). Watch it with `dotnet-counters monitor -n Atasker.Samples.Hosting
// --counters Atasker`.
var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddAtasker(builder.Configuration);                               // the two lines that
builder.Services.AddBackgroundWorker<Mailer>(mailer => mailer.SendWorker);         // bring Atasker in
builder.Services.AddBackgroundWorker<Mailer>(mailer => mailer.ReportWorker);
builder.Services.AddSingleton<Mailer>();
builder.Services.AddHostedService<Producer>();

using var host = builder.Build();
if (args.SkipWhile(arg => arg != "--run-for").Skip(1).FirstOrDefault() is { } seconds)
{
    var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
    lifetime.ApplicationStarted.Register(() => _ = Task.Delay(TimeSpan.FromSeconds(double.Parse(seconds, System.Globalization.CultureInfo.InvariantCulture))).ContinueWith(_ => lifetime.StopApplication(), TaskScheduler.Default));
}

var mailer = host.Services.GetRequiredService<Mailer>();
await host.RunAsync();
Console.WriteLine($"produced {mailer.Produced}, sent {mailer.Sent}, checksums {mailer.Checksums}: {(mailer.Produced == mailer.Sent ? "nothing lost" : "LOST ITEMS")}");

/// <summary>Feeds the queue worker, one mail every 20 ms, until the host stops.</summary>
internal sealed class Producer(Mailer mailer) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        int next = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            await mailer.SendWorker.PutAsync($"mail {next++}", stoppingToken);
            Interlocked.Increment(ref mailer.Produced);
            try
            {
                await Task.Delay(20, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }
}

public sealed partial class Mailer(ILogger<Mailer> logger)
{
    public int Produced;
    public int Sent;
    public int Checksums;

    /// <summary>A queue worker: every mail put is sent, in order; on shutdown the queue is drained first.</summary>
    [BackgroundWorker(Queue = true, QueueCapacity = 1000)]
    public partial void Send(string mail)
    {
        Thread.Sleep(5); // the SMTP call
        Interlocked.Increment(ref Sent);
        if (Sent % 50 == 0)
        {
            logger.LogInformation("sent {Count} mails, the last one {Mail}", Sent, mail);
        }
    }

    /// <summary>An interval worker: every second, a checksum computed in a worker process.</summary>
    [BackgroundWorker(Interval = 1)]
    public async partial Task ReportAsync(CancellationToken cancellationToken)
    {
        long checksum = await StartChecksum(Sent);
        Interlocked.Increment(ref Checksums);
        logger.LogInformation("{Sent} mails sent; checksum {Checksum} from a worker process; pools {Pools}", Sent, checksum, TaskSupervisor.Default.GetInfo().Thread);
    }

    /// <summary>A process task: runs in a worker process of the supervisor's process pool.</summary>
    [BackgroundTask(Kind = TaskKind.Process)]
    public static partial long Checksum(int count)
    {
        long sum = 0;
        for (int i = 0; i <= count; i++)
        {
            sum = (sum * 31) + i;
        }

        return sum;
    }
}
