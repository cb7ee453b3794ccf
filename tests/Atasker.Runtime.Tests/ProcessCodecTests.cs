using Atasker.CompilerServices;
namespace Atasker.Runtime.Tests;

public sealed class ProcessCodecTests
{
    private const int Samples = 300;

    public static TheoryData<string> Kinds => new(Codecs.Keys);

    /// <summary>For each supported kind: how to make a random value, write it, and read it back.</summary>
    private static readonly Dictionary<string, (Func<Random, object?> Make, Action<ProcessWriter, object?> Write, Func<ProcessReader, object?> Read)> Codecs = new()
    {
        ["bool"] = (r => r.Next(2) == 1, (w, v) => w.WriteBoolean((bool)v!), r => r.ReadBoolean()),
        ["byte"] = (r => (byte)r.Next(256), (w, v) => w.WriteByte((byte)v!), r => r.ReadByte()),
        ["sbyte"] = (r => (sbyte)r.Next(-128, 128), (w, v) => w.WriteSByte((sbyte)v!), r => r.ReadSByte()),
        ["short"] = (r => (short)r.Next(short.MinValue, short.MaxValue + 1), (w, v) => w.WriteInt16((short)v!), r => r.ReadInt16()),
        ["ushort"] = (r => (ushort)r.Next(ushort.MaxValue + 1), (w, v) => w.WriteUInt16((ushort)v!), r => r.ReadUInt16()),
        ["int"] = (r => r.Next(int.MinValue, int.MaxValue), (w, v) => w.WriteInt32((int)v!), r => r.ReadInt32()),
        ["uint"] = (r => (uint)r.NextInt64(uint.MaxValue + 1L), (w, v) => w.WriteUInt32((uint)v!), r => r.ReadUInt32()),
        ["long"] = (r => r.NextInt64(long.MinValue, long.MaxValue), (w, v) => w.WriteInt64((long)v!), r => r.ReadInt64()),
        ["ulong"] = (r => (ulong)r.NextInt64() * 2, (w, v) => w.WriteUInt64((ulong)v!), r => r.ReadUInt64()),
        ["nint"] = (r => (nint)r.NextInt64(), (w, v) => w.WriteIntPtr((nint)v!), r => r.ReadIntPtr()),
        ["float"] = (r => Pick(r, [float.NaN, float.PositiveInfinity, -0f, float.Epsilon], () => (float)(r.NextDouble() * 1e6 - 5e5)), (w, v) => w.WriteSingle((float)v!), r => r.ReadSingle()),
        ["double"] = (r => Pick(r, [double.NaN, double.NegativeInfinity, -0d, double.MaxValue], () => r.NextDouble() * 1e300), (w, v) => w.WriteDouble((double)v!), r => r.ReadDouble()),
        ["decimal"] = (r => Pick(r, [decimal.MinValue, decimal.MaxValue, 0.0000000000000000000000000001m], () => new decimal(r.Next(), r.Next(), r.Next(), r.Next(2) == 1, (byte)r.Next(29))), (w, v) => w.WriteDecimal((decimal)v!), r => r.ReadDecimal()),
        ["char"] = (r => (char)r.Next(char.MaxValue + 1), (w, v) => w.WriteChar((char)v!), r => r.ReadChar()),
        ["string"] = (RandomString, (w, v) => w.WriteString((string?)v), r => r.ReadString()),
        ["DateTime"] = (r => new DateTime(r.NextInt64(DateTime.MaxValue.Ticks), (DateTimeKind)r.Next(3)), (w, v) => w.WriteDateTime((DateTime)v!), r => r.ReadDateTime()),
        ["DateTimeOffset"] = (r => new DateTimeOffset(r.NextInt64(DateTime.MinValue.Ticks + TimeSpan.TicksPerDay, DateTime.MaxValue.Ticks - TimeSpan.TicksPerDay), TimeSpan.FromMinutes(r.Next(-14 * 60, 14 * 60 + 1))), (w, v) => w.WriteDateTimeOffset((DateTimeOffset)v!), r => r.ReadDateTimeOffset()),
        ["TimeSpan"] = (r => new TimeSpan(r.NextInt64(long.MinValue, long.MaxValue)), (w, v) => w.WriteTimeSpan((TimeSpan)v!), r => r.ReadTimeSpan()),
        ["Guid"] = (_ => Guid.NewGuid(), (w, v) => w.WriteGuid((Guid)v!), r => r.ReadGuid()),
        ["byte[]"] = (r => r.Next(5) == 0 ? null : RandomBytes(r), (w, v) => w.WriteBytes((byte[]?)v), r => r.ReadBytes()),
        ["int[]"] = (r => r.Next(5) == 0 ? null : Enumerable.Range(0, r.Next(20)).Select(_ => r.Next()).ToArray(), (w, v) => w.WriteArray((int[]?)v, static (w, x) => w.WriteInt32(x)), r => r.ReadArray(static r => r.ReadInt32())),
        ["List<string?>"] = (r => r.Next(5) == 0 ? null : Enumerable.Range(0, r.Next(10)).Select(_ => RandomString(r)).ToList(), (w, v) => w.WriteList((List<string?>?)v, static (w, x) => w.WriteString(x)), r => r.ReadList(static r => r.ReadString())),
        ["List<int[]?>"] = (r => Enumerable.Range(0, r.Next(6)).Select(_ => r.Next(3) == 0 ? null : new[] { r.Next(), r.Next() }).ToList(), (w, v) => w.WriteList((List<int[]?>)v!, static (w, x) => w.WriteArray(x, static (w, y) => w.WriteInt32(y))), r => r.ReadList(static r => r.ReadArray(static r => r.ReadInt32()))),
        ["Guid?"] = (r => r.Next(2) == 0 ? null : Guid.NewGuid(), (w, v) => w.WriteNullable((Guid?)v, static (w, x) => w.WriteGuid(x)), r => r.ReadNullable(static r => r.ReadGuid())),
        ["DateTime?[]"] = (r => Enumerable.Range(0, r.Next(5)).Select(_ => r.Next(2) == 0 ? (DateTime?)null : new DateTime(r.NextInt64(DateTime.MaxValue.Ticks))).ToArray(), (w, v) => w.WriteArray((DateTime?[])v!, static (w, x) => w.WriteNullable(x, static (w, y) => w.WriteDateTime(y))), r => r.ReadArray(static r => r.ReadNullable(static r => r.ReadDateTime()))),
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Random_values_of_every_supported_kind_round_trip(string kind)
    {
        var (make, write, read) = Codecs[kind];
        var random = new Random(kind.GetHashCode(StringComparison.Ordinal));
        for (int i = 0; i < Samples; i++)
        {
            var value = make(random);
            var writer = new ProcessWriter(1);
            write(writer, value);
            write(writer, value);

            var reader = new ProcessReader(writer.ToArray());
            Assert.Equal(value, read(reader));
            Assert.Equal(value, read(reader));
            reader.EnsureFullyRead();
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Every_truncation_is_a_protocol_error_never_a_wrong_value(string kind)
    {
        var (make, write, read) = Codecs[kind];
        var random = new Random(17);
        for (int i = 0; i < 20; i++)
        {
            var writer = new ProcessWriter();
            write(writer, make(random));
            var bytes = writer.ToArray();
            for (int length = 0; length < bytes.Length; length++)
            {
                var reader = new ProcessReader(bytes.AsMemory(0, length));
                Assert.Throws<ProcessProtocolException>(() => read(reader));
            }
        }
    }

    [Fact]
    public void Corrupt_lengths_and_values_are_protocol_errors_without_big_allocations()
    {
        var huge = new ProcessWriter();
        huge.WriteInt32(int.MaxValue);
        var negative = new ProcessWriter();
        negative.WriteInt32(-7);
        var badBool = new ProcessWriter();
        badBool.WriteByte(7);
        var badKind = new ProcessWriter();
        badKind.WriteInt64(0);
        badKind.WriteByte(9);

        Assert.Throws<ProcessProtocolException>(() => new ProcessReader(huge.ToArray()).ReadArray(static r => r.ReadInt32()));
        Assert.Throws<ProcessProtocolException>(() => new ProcessReader(huge.ToArray()).ReadString());
        Assert.Throws<ProcessProtocolException>(() => new ProcessReader(negative.ToArray()).ReadBytes());
        Assert.Throws<ProcessProtocolException>(() => new ProcessReader(badBool.ToArray()).ReadBoolean());
        Assert.Throws<ProcessProtocolException>(() => new ProcessReader(badKind.ToArray()).ReadDateTime());
        var leftover = new ProcessReader(new byte[3]);
        leftover.ReadByte();
        Assert.Throws<ProcessProtocolException>(leftover.EnsureFullyRead);
    }

    private static T Pick<T>(Random random, T[] specials, Func<T> ordinary) =>
        random.Next(4) == 0 ? specials[random.Next(specials.Length)] : ordinary();

    private static string? RandomString(Random random)
    {
        if (random.Next(6) == 0)
        {
            return null;
        }

        var text = new System.Text.StringBuilder();
        int length = random.Next(40);
        for (int i = 0; i < length; i++)
        {
            text.Append(random.Next(4) switch
            {
                0 => "\U0001F600",
                1 => "ß",
                _ => (char)random.Next(32, 127),
            });
        }

        return text.ToString();
    }

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(100)];
        random.NextBytes(bytes);
        return bytes;
    }
}
