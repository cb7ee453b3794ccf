namespace Atasker.ProcessTests.Tasks;

public enum Shade : short
{
    Dark = -1,
    Light = 1,
}

/// <summary>Process tasks exercised by the process tests, from a library (as real apps often have them).</summary>
public static partial class RemoteTasks
{
    [BackgroundTask(Kind = TaskKind.Process)]
    public static partial long Fib(int n);

    [BackgroundTask(Kind = TaskKind.Process)]
    public static partial int ProcessId();

    [BackgroundTask(Kind = TaskKind.Process)]
    public static partial int SleepThenProcessId(int milliseconds);

    [BackgroundTask(Kind = TaskKind.Process)]
    public static partial int Length(byte[] data);

    [BackgroundTask(Kind = TaskKind.Process)]
    public static partial void Throw(string message);

    [BackgroundTask(Kind = TaskKind.Process)]
    public static partial int ExitWith(int code);

    [BackgroundTask(Kind = TaskKind.Process)]
    public static partial int Hang(CancellationToken cancellationToken);

    [BackgroundTask(Kind = TaskKind.Process)]
    public static partial int HangIgnoringToken();

    /// <summary>Writes the worker's pid to <paramref name="marker"/>, then hangs as <see cref="Hang"/>: the parent knows
    /// the body runs (a task only Started may still wait for its frame to be written, and a worker killed then runs it
    /// elsewhere).</summary>
    [BackgroundTask(Kind = TaskKind.Process)]
    public static partial int HangAfterMarking(string marker, CancellationToken cancellationToken);

    [BackgroundTask(Kind = TaskKind.Process, Priority = TaskPriority.High)]
    public static partial byte[] Reverse(byte[] data);

    [BackgroundTask(Kind = TaskKind.Process)]
    public static partial int Print(int lines);

    [BackgroundTask(Kind = TaskKind.Process)]
    public static partial Task<string> GreetAsync(string? name);

    [BackgroundTask(Kind = TaskKind.Process)]
    public static partial List<int[]>? EchoNested(List<int[]>? value);

    [BackgroundTask(Kind = TaskKind.Process)]
    public static partial string Describe(
        bool flag, byte b, sbyte sb, short s, ushort us, int i, uint ui, long l, ulong ul, float f, double d, decimal m, char c,
        string? text, DateTime moment, DateTimeOffset offset, TimeSpan span, Guid id, Shade shade, int? maybe, Shade? maybeShade, string?[] names);

    public static partial long Fib(int n) => n < 2 ? n : Fib(n - 1) + Fib(n - 2);

    public static partial int ProcessId() => Environment.ProcessId;

    public static partial int SleepThenProcessId(int milliseconds)
    {
        Thread.Sleep(milliseconds); // the workload: a body that takes a while
        return Environment.ProcessId;
    }

    public static partial int Length(byte[] data) => data.Length;

    public static partial void Throw(string message) => throw new InvalidOperationException(message);

    public static partial int ExitWith(int code)
    {
        Environment.Exit(code);
        return code;
    }

    public static partial int Hang(CancellationToken cancellationToken)
    {
        cancellationToken.WaitHandle.WaitOne();
        cancellationToken.ThrowIfCancellationRequested();
        return 0;
    }

    public static partial int HangAfterMarking(string marker, CancellationToken cancellationToken)
    {
        File.WriteAllText(marker + ".part", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        File.Move(marker + ".part", marker); // whole when it appears
        return Hang(cancellationToken);
    }

    public static partial int HangIgnoringToken()
    {
        Thread.Sleep(Timeout.Infinite);
        return 0;
    }

    public static partial byte[] Reverse(byte[] data)
    {
        var copy = (byte[])data.Clone();
        Array.Reverse(copy);
        return copy;
    }

    public static partial int Print(int lines)
    {
        for (int i = 0; i < lines; i++)
        {
            Console.WriteLine($"worker {Environment.ProcessId} prints line {i}, which must not disturb the protocol");
        }

        return lines;
    }

    public static async partial Task<string> GreetAsync(string? name)
    {
        await Task.Yield();
        return $"hello {name ?? "nobody"} from {Environment.ProcessId}";
    }

    public static partial List<int[]>? EchoNested(List<int[]>? value) => value;

    public static partial string Describe(
        bool flag, byte b, sbyte sb, short s, ushort us, int i, uint ui, long l, ulong ul, float f, double d, decimal m, char c,
        string? text, DateTime moment, DateTimeOffset offset, TimeSpan span, Guid id, Shade shade, int? maybe, Shade? maybeShade, string?[] names) =>
        string.Join("|", flag, b, sb, s, us, i, ui, l, ul, f.ToString("R", System.Globalization.CultureInfo.InvariantCulture), d.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
            m.ToString(System.Globalization.CultureInfo.InvariantCulture), (int)c, text ?? "null", moment.Ticks + ":" + moment.Kind, offset.Ticks + ":" + offset.Offset,
            span.Ticks, id, shade, maybe?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null", maybeShade?.ToString() ?? "null", string.Join(",", names.Select(n => n ?? "null")));
}
