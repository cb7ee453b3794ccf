using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.ComponentModel;
using System.Text;

namespace Atasker.CompilerServices;

/// <summary>
/// Encodes the arguments and results of process tasks: little-endian, length-prefixed, no reflection, no runtime code
/// generation (NativeAOT-safe). Generated code calls it; a null string, array or list is encoded as length -1.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class ProcessWriter
{
    private byte[] _buffer;
    private int _length;

    /// <summary>Creates a writer with room for <paramref name="capacity"/> bytes (it grows as needed).</summary>
    public ProcessWriter(int capacity = 64) => _buffer = new byte[Math.Max(16, capacity)];

    /// <summary>The bytes written so far.</summary>
    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    /// <summary>How many bytes were written.</summary>
    public int Length => _length;

    /// <summary>A copy of the bytes written.</summary>
    public byte[] ToArray() => WrittenSpan.ToArray();

#pragma warning disable CS1591 // One method per type, named after it; the class summary says how each is encoded.
    public void WriteBoolean(bool value) => WriteByte(value ? (byte)1 : (byte)0);

    public void WriteByte(byte value) => Reserve(1)[0] = value;

    public void WriteSByte(sbyte value) => WriteByte(unchecked((byte)value));

    public void WriteInt16(short value) => BinaryPrimitives.WriteInt16LittleEndian(Reserve(2), value);

    public void WriteUInt16(ushort value) => BinaryPrimitives.WriteUInt16LittleEndian(Reserve(2), value);

    public void WriteInt32(int value) => BinaryPrimitives.WriteInt32LittleEndian(Reserve(4), value);

    public void WriteUInt32(uint value) => BinaryPrimitives.WriteUInt32LittleEndian(Reserve(4), value);

    public void WriteInt64(long value) => BinaryPrimitives.WriteInt64LittleEndian(Reserve(8), value);

    public void WriteUInt64(ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(Reserve(8), value);

    public void WriteIntPtr(nint value) => WriteInt64(value);

    public void WriteUIntPtr(nuint value) => WriteUInt64(value);

    public void WriteSingle(float value) => BinaryPrimitives.WriteSingleLittleEndian(Reserve(4), value);

    public void WriteDouble(double value) => BinaryPrimitives.WriteDoubleLittleEndian(Reserve(8), value);

    public void WriteChar(char value) => WriteUInt16(value);

    public void WriteDecimal(decimal value)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        foreach (int part in bits)
        {
            WriteInt32(part);
        }
    }

    public void WriteDateTime(DateTime value)
    {
        WriteInt64(value.Ticks);
        WriteByte((byte)value.Kind);
    }

    public void WriteDateTimeOffset(DateTimeOffset value)
    {
        WriteInt64(value.Ticks);
        WriteInt16((short)value.TotalOffsetMinutes);
    }

    public void WriteTimeSpan(TimeSpan value) => WriteInt64(value.Ticks);

    public void WriteGuid(Guid value) => value.TryWriteBytes(Reserve(16));

    public void WriteString(string? value)
    {
        if (value is null)
        {
            WriteInt32(-1);
            return;
        }

        int count = Encoding.UTF8.GetByteCount(value);
        WriteInt32(count);
        Encoding.UTF8.GetBytes(value, Reserve(count));
    }

    public void WriteBytes(byte[]? value)
    {
        if (value is null)
        {
            WriteInt32(-1);
            return;
        }

        WriteInt32(value.Length);
        value.CopyTo(Reserve(value.Length));
    }

    public void WriteArray<T>(T[]? values, Action<ProcessWriter, T> writeItem)
    {
        ArgumentNullException.ThrowIfNull(writeItem);
        if (values is null)
        {
            WriteInt32(-1);
            return;
        }

        WriteInt32(values.Length);
        foreach (var item in values)
        {
            writeItem(this, item);
        }
    }

    public void WriteList<T>(List<T>? values, Action<ProcessWriter, T> writeItem)
    {
        ArgumentNullException.ThrowIfNull(writeItem);
        if (values is null)
        {
            WriteInt32(-1);
            return;
        }

        WriteInt32(values.Count);
        foreach (var item in values)
        {
            writeItem(this, item);
        }
    }

    public void WriteNullable<T>(T? value, Action<ProcessWriter, T> writeValue)
        where T : struct
    {
        ArgumentNullException.ThrowIfNull(writeValue);
        WriteBoolean(value.HasValue);
        if (value.HasValue)
        {
            writeValue(this, value.GetValueOrDefault());
        }
    }
#pragma warning restore CS1591

    private Span<byte> Reserve(int count)
    {
        if (_buffer.Length - _length < count)
        {
            long needed = (long)_length + count;
            if (needed > ProcessFrames.MaxFrameBytes)
            {
                throw new ProcessFrameTooLargeException(needed, ProcessFrames.MaxFrameBytes);
            }

            Array.Resize(ref _buffer, (int)Math.Min(ProcessFrames.MaxFrameBytes, Math.Max(needed, (long)_buffer.Length * 2)));
        }

        var span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }
}
