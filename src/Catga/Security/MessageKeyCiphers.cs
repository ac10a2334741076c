using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Catga.Security;

/// <summary>
/// The cipher and MAC states of one key, kept between messages. Creating an <see cref="AesGcm"/> expands the key schedule
/// and creating an HMAC state hashes the key, on every message, so both are pooled per key. Neither type may be used by
/// two threads at once, so each state is rented by one caller and returned after one message.
/// </summary>
internal sealed class MessageKeyCiphers
{
    /// <summary>The AES-GCM tag size in bytes (the largest, 128 bits).</summary>
    public const int TagSize = 16;

    /// <summary>States kept per key and kind. More may exist while many messages are protected at once; the extra ones are
    /// disposed when returned, so a burst does not pin native handles for ever. 16 covers the handler slots of a consumer
    /// on a typical machine.</summary>
    private const int MaxPooled = 16;

    private readonly Pool<AesGcm> _aes;
    private readonly Pool<IncrementalHash> _hmac;

    public MessageKeyCiphers(byte[] encryptionKey, byte[] signingKey)
    {
        _aes = new Pool<AesGcm>(() => new AesGcm(encryptionKey, TagSize));
        _hmac = new Pool<IncrementalHash>(() => IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, signingKey));
    }

    public AesGcm RentAes() => _aes.Rent();

    public void Return(AesGcm aes) => _aes.Return(aes);

    /// <summary>An HMAC-SHA256 state in its initial state (every returned state was finished with GetHashAndReset).</summary>
    public IncrementalHash RentHmac() => _hmac.Rent();

    public void Return(IncrementalHash hmac) => _hmac.Return(hmac);

    private sealed class Pool<T>(Func<T> create)
        where T : class, IDisposable
    {
        private readonly ConcurrentQueue<T> _items = new();
        private int _count;

        public T Rent()
        {
            if (_items.TryDequeue(out var item))
            {
                Interlocked.Decrement(ref _count);
                return item;
            }

            return create();
        }

        public void Return(T item)
        {
            if (Interlocked.Increment(ref _count) <= MaxPooled)
            {
                _items.Enqueue(item);
                return;
            }

            Interlocked.Decrement(ref _count);
            item.Dispose();
        }
    }
}
