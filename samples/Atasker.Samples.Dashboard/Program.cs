using Atasker;
using Atasker.Dashboard;

// The dashboard with load running: `dotnet run --project samples/Atasker.Samples.Dashboard`, then open
// http://127.0.0.1:5080/atasker. Orders arrive in waves, so the 4-slot thread pool fills, its reserves come into use
// and Low orders wait behind High ones; every shipped order goes through a queue worker that now and then fails;
// a reconcile job runs in a worker process every 5 s; the nightly report (cron) waits for 03:00 UTC, or for its
// trigger button. `--run-for N` stops after N seconds.
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddAtasker(builder.Configuration);                                  // pools from appsettings.json
builder.Services.AddSingleton<Shop>();
builder.Services.AddBackgroundWorker<Shop>(shop => shop.OrdersWorker);
builder.Services.AddBackgroundWorker<Shop>(shop => shop.ShipWorker);
builder.Services.AddBackgroundWorker<Shop>(shop => shop.ReconcileWorker);
builder.Services.AddBackgroundWorker<Shop>(shop => shop.NightlyReportWorker);
builder.Services.AddAntiforgery();                                                  // the dashboard's actions need it
builder.Services.AddAuthorization(options => options.AddPolicy("operators", policy => policy.RequireRole("operator")));

var app = builder.Build();
var dashboard = app.MapAtaskerDashboard("/atasker", options => options.EnableActions = true);
if (!app.Environment.IsDevelopment())
{
    // Outside Development only signed-in operators may look (plug in your own sign-in; without one, nobody can).
    dashboard.RequireAuthorization("operators");
}

app.MapGet("/", () => Results.Redirect("/atasker"));
if (args.SkipWhile(arg => arg != "--run-for").Skip(1).FirstOrDefault() is { } seconds)
{
    app.Lifetime.ApplicationStarted.Register(() => _ = Task.Delay(TimeSpan.FromSeconds(double.Parse(seconds, System.Globalization.CultureInfo.InvariantCulture)))
        .ContinueWith(_ => app.Lifetime.StopApplication(), TaskScheduler.Default));
}

await app.RunAsync();

/// <summary>A shop under load: what the dashboard shows.</summary>
public sealed partial class Shop
{
    private int _orders;
    private int _shipped;

    /// <summary>Places a wave of orders four times a second: eight at a time for five seconds, then one at a time for
    /// five, so the pool fills, the queue grows and drains again. Express orders are High, bulk ones Low.</summary>
    [BackgroundWorker(Interval = 0.25, Name = "orders")]
    public partial void Orders()
    {
        int wave = DateTime.UtcNow.Second % 10 < 5 ? 8 : 1;
        for (int i = 0; i < wave; i++)
        {
            int order = Interlocked.Increment(ref _orders);
            var priority = (order % 7) switch { 0 => TaskPriority.High, 1 or 2 or 3 => TaskPriority.Low, _ => TaskPriority.Normal };
            StartPack(order, new TaskOptions { Priority = priority, Name = $"pack order {order} ({priority})" });
        }
    }

    /// <summary>Packing takes 100 to 700 ms on a thread of the pool; then the parcel goes to shipping.</summary>
    [BackgroundTask]
    public partial void Pack(int order)
    {
        Thread.Sleep(PackingMilliseconds(order));
        ShipWorker.Put($"parcel for order {order}");
    }

    /// <summary>A queue worker: parcels ship one at a time, in order; every 25th is refused by the carrier, and the
    /// dashboard lists the error with its stack trace.</summary>
    [BackgroundWorker(Queue = true, QueueCapacity = 10_000, Name = "ship")]
    public partial void Ship(string parcel)
    {
        Thread.Sleep(10);
        if (Interlocked.Increment(ref _shipped) % 25 == 0)
        {
            throw new InvalidOperationException($"The carrier refused the {parcel}: the address is incomplete.");
        }
    }

    /// <summary>Every 5 s the packing time of every order so far, added up in a worker process (the process pool).</summary>
    [BackgroundWorker(Interval = 5, Name = "reconcile")]
    public async partial Task ReconcileAsync(CancellationToken cancellationToken)
    {
        await StartPackingTime(Volatile.Read(ref _orders)).Completion.WaitAsync(cancellationToken);
    }

    /// <summary>A process task: runs in a copy of this app started as a worker process.</summary>
    [BackgroundTask(Kind = TaskKind.Process)]
    public static partial TimeSpan PackingTime(int orders) =>
        TimeSpan.FromMilliseconds(Enumerable.Range(1, orders).Sum(order => (long)PackingMilliseconds(order)));

    private static int PackingMilliseconds(int order) => 100 + (order * 37 % 600);

    /// <summary>A cron worker: the nightly report at 03:00 UTC. Its trigger button on the dashboard runs it now.</summary>
    [BackgroundWorker(Cron = "0 3 * * *", Name = "nightly report")]
    public partial void NightlyReport() => Thread.Sleep(200);
}
