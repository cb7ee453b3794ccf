namespace Atasker.Generators.Tests;

/// <summary>Consumer code used by the generator tests: every valid shape a task method can take.</summary>
internal static class TestSources
{
    public const string ValidUses = """
        using System;
        using System.Collections.Generic;
        using System.Threading;
        using Atasker;

        namespace Demo
        {
            public partial class Reports
            {
                /// <summary>Builds a report.</summary>
                [BackgroundTask(Priority = TaskPriority.High)]
                public partial int Build(int id) => id * 2;

                [BackgroundTask]
                public static partial void Log(string message) { }

                [BackgroundTask(Delay = 0.25)]
                internal partial long CountAsync(int limit, CancellationToken cancellationToken) => limit;

                [BackgroundTask]
                public partial string Describe(int id, string? label = null, TaskPriority priority = TaskPriority.Low, double scale = 1.5, params int[] extra);

                public partial string Describe(int id, string? label, TaskPriority priority, double scale, params int[] extra) => label ?? "";

                [BackgroundTask]
                protected internal partial T Echo<T>(T value) where T : class, new() => value;

                [BackgroundTask(Priority = TaskPriority.Low)]
                private partial void Nothing() { }

                [BackgroundTask]
                public partial int Sum(int a, int b) => a + b;

                [BackgroundTask]
                public partial double Sum(double a, double b) => a + b;

                [BackgroundTask]
                public partial int Defined(int x);
            }

            public partial class Reports
            {
                public partial int Defined(int x) => x;
            }

            public partial class Feeds
            {
                [BackgroundTask]
                public async partial System.Threading.Tasks.Task<string> FetchAsync(string url, CancellationToken cancellationToken)
                {
                    await System.Threading.Tasks.Task.Delay(1, cancellationToken);
                    return url;
                }

                [BackgroundTask(Loop = "io", Priority = TaskPriority.High)]
                public static partial System.Threading.Tasks.Task PingAsync(int times) => System.Threading.Tasks.Task.CompletedTask;

                [BackgroundTask]
                public partial System.Threading.Tasks.ValueTask<int> Parse(string text) => new(text.Length);

                [BackgroundTask(Kind = TaskKind.Async)]
                internal partial System.Threading.Tasks.ValueTask FlushAsync() => default;

                [BackgroundTask(Kind = TaskKind.Thread)]
                public async partial System.Threading.Tasks.Task<int> CrunchAsync(int n)
                {
                    await System.Threading.Tasks.Task.Yield();
                    return n;
                }

                [BackgroundTask]
                public partial System.Threading.Tasks.Task<T> EchoAsync<T>(T value) => System.Threading.Tasks.Task.FromResult(value);
            }

            public static partial class Outer
            {
                public partial class Box<T>
                {
                    [BackgroundTask(Priority = TaskPriority.Critical)]
                    public partial T Unwrap(T value, CancellationToken cancellationToken) => value;
                }
            }

            public partial record Invoice(decimal Amount)
            {
                [BackgroundTask]
                public partial decimal Total(int count) => Amount * count;
            }

            public partial record struct Point(int X, int Y)
            {
                [BackgroundTask]
                public partial int Length() => X + Y;
            }

            public partial struct Counter
            {
                [BackgroundTask]
                public readonly partial int Read() => 1;
            }

            public static partial class Extensions
            {
                [BackgroundTask]
                public static partial int Twice(this int value) => value * 2;
            }

            public partial class Keywords
            {
                [BackgroundTask]
                public partial int @class(int @event, string @object) => @event;
            }
        }

        public partial class GlobalType
        {
            [BackgroundTask]
            public static partial int Eight(int a, int b, int c, int d, int e, int f, int g, int h) => a + h;
        }
        """;

    /// <summary>Every worker type and body shape, instance and static.</summary>
    public const string WorkerUses = """
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using Atasker;

        namespace Demo;

        public partial class Station
        {
            [BackgroundWorker]
            public partial void Poll() { }

            [BackgroundWorker(Interval = 1, Priority = TaskPriority.High)]
            public partial bool Refresh(CancellationToken cancellationToken) => !cancellationToken.IsCancellationRequested;

            [BackgroundWorker(Delay = 0.5, DelayBefore = 0.25)]
            public async partial Task SweepAsync(CancellationToken cancellationToken) => await Task.Yield();

            [BackgroundWorker(Event = true, Kind = TaskKind.Thread, Name = "alarm")]
            public partial Task<bool> AlarmAsync() => Task.FromResult(true);

            [BackgroundWorker(Queue = true, QueueCapacity = 100, Loop = "io")]
            public partial ValueTask SendAsync(string message, CancellationToken cancellationToken) => default;

            [BackgroundWorker(Queue = true)]
            public static partial ValueTask<bool> Audit((int Id, string Text) entry) => new(entry.Id >= 0);

            [BackgroundWorker(Cron = "30 2 * * *", TimeZone = "Europe/Berlin", Priority = TaskPriority.Low)]
            public partial void Report(CancellationToken cancellationToken) { }

            [BackgroundWorker(Cron = "*/10 * * * * *", DelayBefore = 1)]
            public static async partial Task PollFeedsAsync() => await Task.Yield();
        }

        internal static partial class Janitor
        {
            [BackgroundWorker(Interval = 60)]
            private static partial void Clean();

            private static partial void Clean() { }

            public static void StartAll() => CleanWorker.Start();
        }
        """;
}
