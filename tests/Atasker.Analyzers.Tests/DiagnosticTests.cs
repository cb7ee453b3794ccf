using Microsoft.CodeAnalysis;

namespace Atasker.Analyzers.Tests;

public sealed class DiagnosticTests
{
    private const string Usings = "using System; using System.Threading; using System.Threading.Tasks; using Atasker;\nnamespace Demo;\n";

    /// <summary>Each mistake, marked where its diagnostic must be. Every case is the smallest code with the mistake.</summary>
    public static TheoryData<string, string> Mistakes => new()
    {
        { "ATSK0001 method not partial", "public partial class C { [BackgroundTask] public int {|ATSK0001:Build|}(int id) => id; }" },
        { "ATSK0002 type not partial", "public class {|ATSK0002:C|} { [BackgroundTask] public partial int Build(int id) => id; }" },
        { "ATSK0002 enclosing type not partial", "public class {|ATSK0002:Outer|} { public partial class Inner { [BackgroundTask] public partial void Run() { } } }" },
        { "ATSK0003 no body", "public partial class C { [BackgroundTask] public partial int {|ATSK0003:Build|}(int id); }" },
        { "ATSK0004 async void", "public partial class C { [BackgroundTask] public async partial {|ATSK0004:void|} Run() { await Task.Yield(); } }" },
        { "ATSK0004 async void, attribute on the definition", "public partial class C { [BackgroundTask] public partial {|ATSK0004:void|} Run(); public async partial void Run() { await Task.Yield(); } }" },
        { "ATSK0005 ref parameter", "public partial class C { [BackgroundTask] public partial void Run({|ATSK0005:ref int count|}) { } }" },
        { "ATSK0005 out parameter", "public partial class C { [BackgroundTask] public partial void Run(int a, {|ATSK0005:out int b|}) { b = a; } }" },
        { "ATSK0005 in parameter", "public partial class C { [BackgroundTask] public partial void Run({|ATSK0005:in DateTime when|}) { } }" },
        { "ATSK0006 span parameter", "public partial class C { [BackgroundTask] public partial void Run({|ATSK0006:Span<byte> data|}) { } }" },
        { "ATSK0006 pointer parameter", "public unsafe partial class C { [BackgroundTask] public partial void Run({|ATSK0006:int* data|}) { } }" },
        { "ATSK0008 launcher name taken", "public partial class C { [BackgroundTask] public partial int {|ATSK0008:Build|}(int id) => id; public void StartBuild(int id) { } }" },
        { "ATSK0008 async suffix launcher taken", "public partial class C { [BackgroundTask] public partial int {|ATSK0008:FetchAsync|}() => 1; public int StartFetch; }" },
        { "ATSK0008 options launcher taken", "public partial class C { [BackgroundTask] public partial int {|ATSK0008:Build|}(int id) => id; public void StartBuild(int id, TaskOptions? options) { } }" },
        { "ATSK0009 negative delay", "public partial class C { [BackgroundTask({|ATSK0009:Delay = -1|})] public partial void Run() { } }" },
        { "ATSK0009 NaN delay", "public partial class C { [BackgroundTask({|ATSK0009:Delay = double.NaN|})] public partial void Run() { } }" },
        { "ATSK0010 ref return", "public partial class C { private int _x; [BackgroundTask] public partial {|ATSK0010:ref int|} Get() => ref _x; }" },
        { "ATSK0010 span return", "public partial class C { [BackgroundTask] public partial {|ATSK0010:Span<int>|} Get() => default; }" },
        { "ATSK0011 file-local type", "file partial class {|ATSK0011:C|} { [BackgroundTask] public partial void Run() { } }" },
        { "ATSK0012 ref struct instance method", "public ref partial struct S { [BackgroundTask] public partial int {|ATSK0012:Length|}() => 1; }" },
        { "ATSK0013 undefined priority", "public partial class C { [BackgroundTask({|ATSK0013:Priority = (TaskPriority)7|})] public partial void Run() { } }" },
        { "ATSK0014 async kind on sync body", "public partial class C { [BackgroundTask({|ATSK0014:Kind = TaskKind.Async|})] public partial int Run() => 1; }" },
        { "ATSK0015 loop on sync body", "public partial class C { [BackgroundTask({|ATSK0015:Loop = \"io\"|})] public partial int Run() => 1; }" },
        { "ATSK0016 loop on a thread-kind async body", "public partial class C { [BackgroundTask(Kind = TaskKind.Thread, {|ATSK0016:Loop = \"io\"|})] public partial Task<int> RunAsync() => Task.FromResult(1); }" },
        { "ATSK0016 loop on a process task", "public partial class C { [BackgroundTask(Kind = TaskKind.Process, {|ATSK0016:Loop = \"io\"|})] public static partial Task<int> RunAsync() => Task.FromResult(1); }" },
        { "ATSK0020 process task on an instance method", "public partial class C { [BackgroundTask(Kind = TaskKind.Process)] public partial int {|ATSK0020:Run|}() => 1; }" },
        { "ATSK0021 generic process task", "public partial class C { [BackgroundTask(Kind = TaskKind.Process)] public static partial T {|ATSK0021:Echo|}<T>(T value) => value; }" },
        { "ATSK0021 process task in a generic type", "public partial class Box<T> { [BackgroundTask(Kind = TaskKind.Process)] public static partial int {|ATSK0021:Size|}() => 1; }" },
        { "ATSK0022 unsupported parameter", "public partial class C { [BackgroundTask(Kind = TaskKind.Process)] public static partial int Count({|ATSK0022:System.Collections.Generic.Dictionary<string, int> map|}) => map.Count; }" },
        { "ATSK0022 unsupported element", "public partial class C { [BackgroundTask(Kind = TaskKind.Process)] public static partial int Count({|ATSK0022:object[] items|}) => items.Length; }" },
        { "ATSK0022 unsupported result", "public partial class C { [BackgroundTask(Kind = TaskKind.Process)] public static partial {|ATSK0022:Task<Uri>|} GetAsync() => Task.FromResult(new Uri(\"http://x\")); }" },
        { "ATSK0023 process task in a private type", "public partial class Outer { private partial class Hidden { [BackgroundTask(Kind = TaskKind.Process)] public static partial int {|ATSK0023:Run|}() => 1; } }" },
        { "ATSK0007 task and worker", "public partial class C { [BackgroundTask, BackgroundWorker] public partial void {|ATSK0007:Run|}() { } }" },
        { "ATSK0008 worker overloads", "public partial class C { [BackgroundWorker] public partial void Poll() { } [BackgroundWorker(Queue = true)] public partial void {|ATSK0008:Poll|}(int item) { } }" },
        { "ATSK0008 worker and its Async twin", "public partial class C { [BackgroundWorker] public partial Task PollAsync() => Task.CompletedTask; [BackgroundWorker] public partial void {|ATSK0008:Poll|}() { } }" },
        { "ATSK0008 task and its Async twin", "public partial class C { [BackgroundTask] public partial int Build(int id) => id; [BackgroundTask] public partial Task<int> {|ATSK0008:BuildAsync|}(int id) => Task.FromResult(id); }" },
        { "ATSK0008 task and its token overload", "public partial class C { [BackgroundTask] public partial int Build(int id) => id; [BackgroundTask] public partial int {|ATSK0008:Build|}(int id, CancellationToken token) => id; }" },
        { "ATSK0008 worker property taken", "public partial class C { [BackgroundWorker] public partial void {|ATSK0008:Poll|}() { } public int PollWorker => 1; }" },
        { "ATSK0009 negative interval", "public partial class C { [BackgroundWorker({|ATSK0009:Interval = -1|})] public partial void Poll() { } }" },
        { "ATSK0009 NaN delay before", "public partial class C { [BackgroundWorker({|ATSK0009:DelayBefore = double.NaN|})] public partial void Poll() { } }" },
        { "ATSK0014 async kind on a sync worker", "public partial class C { [BackgroundWorker({|ATSK0014:Kind = TaskKind.Async|})] public partial void Poll() { } }" },
        { "ATSK0015 loop on a sync worker", "public partial class C { [BackgroundWorker({|ATSK0015:Loop = \"io\"|})] public partial void Poll() { } }" },
        { "ATSK0017 queue and event", "public partial class C { [BackgroundWorker(Queue = true, {|ATSK0017:Event = true|})] public partial void Take(int item) { } }" },
        { "ATSK0018 interval with delay", "public partial class C { [BackgroundWorker({|ATSK0018:Interval = 1|}, Delay = 1)] public partial void Poll() { } }" },
        { "ATSK0018 interval on an event worker", "public partial class C { [BackgroundWorker({|ATSK0018:Interval = 1|}, Event = true)] public partial void Poll() { } }" },
        { "ATSK0019 queue worker without item", "public partial class C { [BackgroundWorker(Queue = true)] public partial void {|ATSK0019:Take|}(CancellationToken token) { } }" },
        { "ATSK0024 worker returning int", "public partial class C { [BackgroundWorker] public partial {|ATSK0024:int|} Poll() => 1; }" },
        { "ATSK0024 worker returning Task<int>", "public partial class C { [BackgroundWorker] public partial {|ATSK0024:Task<int>|} PollAsync() => Task.FromResult(1); }" },
        { "ATSK0025 negative capacity", "public partial class C { [BackgroundWorker(Queue = true, {|ATSK0025:QueueCapacity = -1|})] public partial void Take(int item) { } }" },
        { "ATSK0026 loop worker with a parameter", "public partial class C { [BackgroundWorker] public partial void Poll({|ATSK0026:int count|}) { } }" },
        { "ATSK0026 queue worker with two items", "public partial class C { [BackgroundWorker(Queue = true)] public partial void Take(int item, {|ATSK0026:string other|}) { } }" },
        { "ATSK0027 generic worker", "public partial class C { [BackgroundWorker(Queue = true)] public partial void {|ATSK0027:Take|}<T>(T item) { } }" },
        { "ATSK0028 process worker on an instance", "public partial class C { [BackgroundWorker({|ATSK0028:Kind = TaskKind.Process|})] public partial void Poll() { } }" },
        { "ATSK0022 process queue worker with an uncarryable item", "public partial class C { [BackgroundWorker(Queue = true, Kind = TaskKind.Process)] public static partial void Take({|ATSK0022:object item|}) { } }" },
        { "ATSK0023 process worker in a private type", "public partial class Outer { private partial class Hidden { [BackgroundWorker(Interval = 5, Kind = TaskKind.Process)] public static partial void {|ATSK0023:Poll|}() { } } }" },
        { "ATSK0029 struct instance worker", "public partial struct S { [BackgroundWorker] public partial void {|ATSK0029:Poll|}() { } }" },
        { "ATSK0030 cron on a queue worker", "public partial class C { [BackgroundWorker(Queue = true, {|ATSK0030:Cron = \"0 * * * *\"|})] public partial void Take(int item) { } }" },
        { "ATSK0030 cron with an interval", "public partial class C { [BackgroundWorker({|ATSK0030:Cron = \"0 * * * *\"|}, Interval = 5)] public partial void Poll() { } }" },
        { "ATSK0030 cron on an event worker", "public partial class C { [BackgroundWorker(Event = true, {|ATSK0030:Cron = \"0 * * * *\"|})] public partial void Poll() { } }" },
        { "ATSK0030 time zone without cron", "public partial class C { [BackgroundWorker(Interval = 5, {|ATSK0030:TimeZone = \"Europe/Berlin\"|})] public partial void Poll() { } }" },
        { "ATSK0031 cron minute out of range", "public partial class C { [BackgroundWorker({|ATSK0031:Cron = \"61 * * * *\"|})] public partial void Poll() { } }" },
        { "ATSK0031 cron with seven fields", "public partial class C { [BackgroundWorker({|ATSK0031:Cron = \"0 0 0 * * * 2027\"|}, Priority = TaskPriority.Low)] public static partial void Poll() { } }" },
        { "ATSK0031 cron text of a process worker", "public partial class C { [BackgroundWorker({|ATSK0031:Cron = \"every day\"|}, Kind = TaskKind.Process)] public static partial void Poll() { } }" },
        { "ATSK0031 constant text given to new CronWorker", "public class C { public CronWorker W() => new CronWorker(\"w\", {|ATSK0031:\"*/0 * * * *\"|}, _ => { }); }" },
        { "ATSK0032 unknown time zone", "public partial class C { [BackgroundWorker(Cron = \"0 * * * *\", {|ATSK0032:TimeZone = \"Mars/Olympus_Mons\"|})] public partial void Poll() { } }" },
        { "ATSK0032 unknown zone given to new CronWorker", "public class C { public CronWorker W() => new CronWorker(\"w\", \"0 * * * *\", _ => { }, {|ATSK0032:\"Atlantis/Capital\"|}); }" },
        { "ATSK0001 worker not partial", "public partial class C { [BackgroundWorker] public void {|ATSK0001:Poll|}() { } }" },
        { "ATSK0005 worker ref item", "public partial class C { [BackgroundWorker(Queue = true)] public partial void Take({|ATSK0005:ref int item|}) { } }" },
        { "two mistakes, two diagnostics", "public partial class C { [BackgroundTask({|ATSK0009:Delay = -2|})] public partial void Run({|ATSK0005:ref int a|}) { } }" },
    };

    /// <summary>Code one step away from each mistake: it must draw no ATSK diagnostic.</summary>
    public static TheoryData<string, string> NearMisses => new()
    {
        { "ATSK0001 partial method beside a plain one", "public partial class C { [BackgroundTask] public partial int Build(int id) => id; public int Other() => 1; }" },
        { "ATSK0028 a static process worker", "public partial class C { [BackgroundWorker(Interval = 5, Kind = TaskKind.Process)] public static partial bool Poll(CancellationToken token) => true; }" },
        { "ATSK0022 a process queue worker with a carried item", "public partial class C { [BackgroundWorker(Queue = true, Kind = TaskKind.Process)] public static partial Task TakeAsync(string[] item) => Task.CompletedTask; }" },
        { "ATSK0031 a six-field cron with seconds in an IANA zone", "public partial class C { [BackgroundWorker(Cron = \"*/10 * * * * *\", TimeZone = \"Europe/Berlin\")] public partial void Poll() { } }" },
        { "ATSK0031 a cron with names and ranges in a Windows zone", "public partial class C { [BackgroundWorker(Cron = \"30 2 * JAN-MAR MON-FRI\", TimeZone = \"W. Europe Standard Time\")] public partial void Poll() { } }" },
        { "ATSK0031 text known only at run time", "public class C { public CronWorker W(string cron) => new CronWorker(\"w\", cron, _ => { }, \"Europe/Berlin\"); }" },
        { "ATSK0002 every enclosing type partial", "public partial class Outer { public partial class Inner { [BackgroundTask] public partial void Run() { } } }" },
        { "ATSK0003 definition carries the attribute, body elsewhere", "public partial class C { [BackgroundTask] public partial int Build(int id); public partial int Build(int id) => id; }" },
        { "ATSK0004 sync void", "public partial class C { [BackgroundTask] public partial void Run() { } }" },
        { "ATSK0005 value parameters and a trailing token", "public partial class C { [BackgroundTask] public partial void Run(int count, DateTime when, CancellationToken token) { } }" },
        { "ATSK0006 array and memory parameters", "public partial class C { [BackgroundTask] public partial void Run(byte[] data, Memory<byte> more) { } }" },
        { "ATSK0008 a StartX with other parameters", "public partial class C { [BackgroundTask] public partial int Build(int id) => id; public void StartBuild(string name) { } }" },
        { "ATSK0008 task overloads with other launcher parameters", "public partial class C { [BackgroundTask] public partial int Build(int id) => id; [BackgroundTask] public partial Task<int> BuildAsync(string name) => Task.FromResult(1); }" },
        { "ATSK0008 a task and a worker of one name", "public partial class C { [BackgroundTask] public partial void Poll(int x) { } [BackgroundWorker] public partial void Poll() { } }" },
        { "ATSK0009 zero and fractional delays", "public partial class C { [BackgroundTask(Delay = 0)] public partial void Run() { } [BackgroundTask(Delay = 0.25)] public partial void Later() { } }" },
        { "ATSK0010 value return", "public partial class C { [BackgroundTask] public partial int[] Get() => []; }" },
        { "ATSK0011 internal type", "internal partial class C { [BackgroundTask] public partial void Run() { } }" },
        { "ATSK0012 static method of a ref struct", "public ref partial struct S { [BackgroundTask] public static partial int Length() => 1; }" },
        { "ATSK0013 every defined priority", "public partial class C { [BackgroundTask(Priority = TaskPriority.Critical)] public partial void A() { } [BackgroundTask(Priority = TaskPriority.Low)] public partial void B() { } }" },
        { "ATSK0014 thread kind on sync body", "public partial class C { [BackgroundTask(Kind = TaskKind.Thread)] public partial int Run() => 1; }" },
        { "ATSK0015 no loop on sync body", "public partial class C { [BackgroundTask(Priority = TaskPriority.High)] public partial int Run() => 1; }" },
        { "ATSK0016 loop on an async body", "public partial class C { [BackgroundTask(Loop = \"io\")] public partial Task<int> RunAsync() => Task.FromResult(1); [BackgroundTask(Kind = TaskKind.Async, Loop = \"io\")] public partial ValueTask GoAsync() => default; }" },
        { "ATSK0020-23 a valid process task", "public partial class C { public enum E { A } [BackgroundTask(Kind = TaskKind.Process)] internal static partial Task<System.Collections.Generic.List<int[]>?> Run(string? s, E e, Guid? g, byte[] data, DateTimeOffset[] when, CancellationToken token) => Task.FromResult<System.Collections.Generic.List<int[]>?>(null); }" },
        { "ATSK0007 a task and a worker side by side", "public partial class C { [BackgroundTask] public partial void Run() { } [BackgroundWorker] public partial void Poll() { } }" },
        { "ATSK0017-19 queue, event and interval workers", "public partial class C { [BackgroundWorker(Queue = true, QueueCapacity = 5, Delay = 1)] public partial void Take(int item, CancellationToken token) { } [BackgroundWorker(Event = true, DelayBefore = 1)] public partial void Ring() { } [BackgroundWorker(Interval = 1, DelayBefore = 0.5)] public partial bool Tick() => true; }" },
        { "ATSK0024 every worker return type", "public partial class C { [BackgroundWorker] public partial bool A() => true; [BackgroundWorker] public partial Task BAsync() => Task.CompletedTask; [BackgroundWorker] public partial Task<bool> CAsync() => Task.FromResult(true); [BackgroundWorker] public partial ValueTask DAsync() => default; [BackgroundWorker] public partial ValueTask<bool> EAsync() => default; }" },
        { "ATSK0026-29 a static worker in a struct, on threads", "public partial struct S { [BackgroundWorker(Kind = TaskKind.Thread, Loop = null)] public static partial Task PollAsync(CancellationToken token) => Task.CompletedTask; }" },
        { "no attribute at all", "public class C { public int Build(ref int id) => id; public async void Run() { await Task.Yield(); } }" },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public async Task A_mistake_is_reported_once_at_its_exact_place(string name, string code)
    {
        _ = name;
        await Verify.AnalyzerAsync(Usings + code);
    }

    [Theory]
    [MemberData(nameof(NearMisses))]
    public async Task A_near_miss_draws_no_diagnostic(string name, string code)
    {
        _ = name;
        await Verify.AnalyzerAsync(Usings + code);
    }

    [Fact]
    public async Task The_generators_valid_uses_draw_no_diagnostic()
    {
        var diagnostics = await AnalyzerHarness.DiagnosticsAsync(Generators.Tests.TestSources.ValidUses);

        Assert.Empty(diagnostics);
    }

    [Fact]
    public async Task The_generators_worker_uses_draw_no_diagnostic()
    {
        var diagnostics = await AnalyzerHarness.DiagnosticsAsync(Generators.Tests.TestSources.WorkerUses);

        Assert.Empty(diagnostics);
    }

    [Fact]
    public async Task A_bad_cron_or_zone_is_reported_with_the_worker_s_name_and_the_parser_s_own_message()
    {
        var diagnostics = await AnalyzerHarness.DiagnosticsAsync(Usings + """
            public partial class Reports
            {
                [BackgroundWorker(Cron = "61 * * * *", Name = "nightly")]
                public partial void Nightly() { }

                [BackgroundWorker(Cron = "0 3 * * *", TimeZone = "Mars/Olympus_Mons")]
                public partial void Weekly() { }
            }
            """);

        string parser;
        try
        {
            _ = Cronos.CronExpression.Parse("61 * * * *");
            parser = "";
        }
        catch (Cronos.CronFormatException error)
        {
            parser = error.Message;
        }

        Assert.Equal(["ATSK0031", "ATSK0032"], diagnostics.Select(d => d.Id).Order());
        Assert.Equal($"Worker 'nightly': '61 * * * *' is not a valid cron expression: {parser}", diagnostics.Single(d => d.Id == "ATSK0031").GetMessage());
        Assert.StartsWith("Worker 'Reports.Weekly': 'Mars/Olympus_Mons' is not a time zone this machine knows", diagnostics.Single(d => d.Id == "ATSK0032").GetMessage(), StringComparison.Ordinal);
        Assert.NotEqual("", parser);
    }

    [Fact]
    public async Task Messages_name_the_method_and_the_fix_and_link_to_a_docs_page()
    {
        var diagnostics = await AnalyzerHarness.DiagnosticsAsync(Usings + "public partial class C { [BackgroundTask(Delay = -1)] public int Build(ref int id) => id; }");

        Assert.Equal(["ATSK0001", "ATSK0005", "ATSK0009"], diagnostics.Select(d => d.Id).Order());
        Assert.All(diagnostics, diagnostic =>
        {
            Assert.Contains("'Build'", diagnostic.GetMessage(), StringComparison.Ordinal);
            Assert.Equal($"https://github.com/atasker/atasker-dotnet/blob/main/docs/diagnostics/{diagnostic.Id}.md", diagnostic.Descriptor.HelpLinkUri);
            Assert.Equal("Atasker.Usage", diagnostic.Descriptor.Category);
        });
        Assert.Contains("declare it 'partial'", diagnostics.Single(d => d.Id == "ATSK0001").GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_diagnostic_has_a_docs_page_with_a_bad_and_a_good_example_and_a_release_entry()
    {
        var root = RepositoryRoot();
        var unshipped = File.ReadAllText(Path.Combine(root, "src", "Atasker.Analyzers", "AnalyzerReleases.Unshipped.md"))
            + File.ReadAllText(Path.Combine(root, "src", "Atasker.Analyzers", "AnalyzerReleases.Shipped.md"));
        var index = File.ReadAllText(Path.Combine(root, "docs", "diagnostics", "README.md"));

        foreach (var descriptor in new BackgroundTaskAnalyzer().SupportedDiagnostics)
        {
            var page = Path.Combine(root, "docs", "diagnostics", descriptor.Id + ".md");
            Assert.True(File.Exists(page), $"{descriptor.Id} has no docs page.");
            var text = File.ReadAllText(page);
            Assert.Contains("## Bad", text, StringComparison.Ordinal);
            Assert.Contains("## Good", text, StringComparison.Ordinal);
            Assert.Contains(descriptor.Id, unshipped, StringComparison.Ordinal);
            Assert.Contains($"[{descriptor.Id}]({descriptor.Id}.md)", index, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Docs_examples_draw_their_diagnostic_in_bad_and_none_in_good()
    {
        var root = RepositoryRoot();
        foreach (var descriptor in new BackgroundTaskAnalyzer().SupportedDiagnostics)
        {
            var text = File.ReadAllText(Path.Combine(root, "docs", "diagnostics", descriptor.Id + ".md"));
            var bad = CodeBlockAfter(text, "## Bad");
            var good = CodeBlockAfter(text, "## Good");

            var badIds = AnalyzerHarness.DiagnosticsAsync(bad).GetAwaiter().GetResult().Select(d => d.Id);
            var goodIds = AnalyzerHarness.DiagnosticsAsync(good).GetAwaiter().GetResult().Select(d => d.Id);
            Assert.True(badIds.Contains(descriptor.Id), $"The bad example of {descriptor.Id} does not draw it.");
            Assert.True(!goodIds.Any(), $"The good example of {descriptor.Id} draws {string.Join(", ", goodIds)}.");
        }
    }

    private static string CodeBlockAfter(string text, string heading)
    {
        int start = text.IndexOf("```csharp", text.IndexOf(heading, StringComparison.Ordinal), StringComparison.Ordinal) + "```csharp".Length;
        return text[start..text.IndexOf("```", start, StringComparison.Ordinal)];
    }

    internal static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Atasker.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException("Cannot find the repository root (Atasker.sln).");
    }
}
