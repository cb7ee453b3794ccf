using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.ComponentModel;
using System.Text;

namespace Atasker.CompilerServices;

/// <summary>
/// Decodes what <see cref="ProcessWriter"/> encoded. Every read checks the bounds: truncated or malformed data is a
/// <see cref="ProcessProtocolException"/>, never a wrong value or an outsized allocation.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class ProcessReader
{
    private readonly ReadOnlyMemory<byte> _data;
    private int _position;

    /// <summary>Reads <paramref name="data"/> from its start.</summary>
    public ProcessReader(ReadOnlyMemory<byte> data) => _data = data;

    /// <summary>Bytes not read yet.</summary>
    public int Remaining => _data.Length - _position;

#pragma warning disable CS1591 // One method per type, mirroring ProcessWriter.
    public bool ReadBoolean() => ReadByte() switch
    {
        0 => false,
        1 => true,
        var other => throw new ProcessProtocolException($"Invalid boolean byte {other} at position {_position - 1}."),
    };

    public byte ReadByte() => Take(1)[0];

    public sbyte ReadSByte() => unchecked((sbyte)ReadByte());

    public short ReadInt16() => BinaryPrimitives.ReadInt16LittleEndian(Take(2));

    public ushort ReadUInt16() => BinaryPrimitives.ReadUInt16LittleEndian(Take(2));

    public int ReadInt32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

    public uint ReadUInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

    public long ReadInt64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

    public ulong ReadUInt64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

    public nint ReadIntPtr() => checked((nint)ReadInt64());

    public nuint ReadUIntPtr() => checked((nuint)ReadUInt64());

    public float ReadSingle() => BinaryPrimitives.ReadSingleLittleEndian(Take(4));

    public double ReadDouble() => BinaryPrimitives.ReadDoubleLittleEndian(Take(8));

    public char ReadChar() => (char)ReadUInt16();

    public decimal ReadDecimal()
    {
        Span<int> bits = [ReadInt32(), ReadInt32(), ReadInt32(), ReadInt32()];
        try
        {
            return new decimal(bits);
        }
        catch (ArgumentException error)
        {
            throw new ProcessProtocolException("Invalid decimal bits.", error);
        }
    }

    public DateTime ReadDateTime()
    {
        long ticks = ReadInt64();
        var kind = (DateTimeKind)ReadByte();
        if (ticks < DateTime.MinValue.Ticks || ticks > DateTime.MaxValue.Ticks || kind > DateTimeKind.Local)
        {
            throw new ProcessProtocolException($"Invalid DateTime ({ticks} ticks, kind {kind}).");
        }

        return new DateTime(ticks, kind);
    }

    public DateTimeOffset ReadDateTimeOffset()
    {
        long ticks = ReadInt64();
        short minutes = ReadInt16();
        try
        {
            return new DateTimeOffset(ticks, TimeSpan.FromMinutes(minutes));
        }
        catch (ArgumentException error)
        {
            throw new ProcessProtocolException($"Invalid DateTimeOffset ({ticks} ticks, offset {minutes} minutes).", error);
        }
    }

    public TimeSpan ReadTimeSpan() => new(ReadInt64());

    public Guid ReadGuid() => new(Take(16));

    public string? ReadString()
    {
        int count = ReadLength();
        return count < 0 ? null : Encoding.UTF8.GetString(Take(count));
    }

    public byte[]? ReadBytes()
    {
        int count = ReadLength();
        return count < 0 ? null : Take(count).ToArray();
    }

    public T[]? ReadArray<T>(Func<ProcessReader, T> readItem)
    {
        ArgumentNullException.ThrowIfNull(readItem);
        int count = ReadLength();
        if (count < 0)
        {
            return null;
        }

        var items = new T[count];
        for (int i = 0; i < count; i++)
        {
            items[i] = readItem(this);
        }

        return items;
    }

    public List<T>? ReadList<T>(Func<ProcessReader, T> readItem)
    {
        ArgumentNullException.ThrowIfNull(readItem);
        int count = ReadLength();
        if (count < 0)
        {
            return null;
        }

        var items = new List<T>(count);
        for (int i = 0; i < count; i++)
        {
            items.Add(readItem(this));
        }

        return items;
    }

    public T? ReadNullable<T>(Func<ProcessReader, T> readValue)
        where T : struct
    {
        ArgumentNullException.ThrowIfNull(readValue);
        return ReadBoolean() ? readValue(this) : null;
    }
#pragma warning restore CS1591

    /// <summary>Throws unless every byte has been read (a decoder and an encoder that disagree).</summary>
    public void EnsureFullyRead()
    {
        if (Remaining != 0)
        {
            throw new ProcessProtocolException($"{Remaining} bytes were left unread: the two processes disagree about a task's signature.");
        }
    }

    /// <summary>A length or count: -1 for null, otherwise no more than the bytes left (every item takes at least one).</summary>
    private int ReadLength()
    {
        int count = ReadInt32();
        if (count < -1 || count > Remaining)
        {
            throw new ProcessProtocolException($"Invalid length {count} at position {_position - 4} with {Remaining} bytes left.");
        }

        return count;
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (Remaining < count)
        {
            throw new ProcessProtocolException($"Truncated data: {count} bytes needed at position {_position}, {Remaining} left.");
        }

        var span = _data.Span.Slice(_position, count);
        _position += count;
        return span;
    }
}
