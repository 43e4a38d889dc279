/**
 * Sample-rate conversion between the phone's 8 kHz and the 48 kHz of WebRTC audio, for the places where two
 * rates meet and libopus cannot convert itself (it takes and gives 8 kHz directly, so the main Opus path needs
 * no resampler).
 *
 * <p>{@link dev.gateway.media.resample.PolyphaseResampler}: fixed ratio 6, one 241-tap Kaiser-windowed sinc
 * (beta 7, -6 dB at 3.8 kHz) shared by both directions, group delay exactly 2.5 ms (120 samples at 48 kHz, 20 at
 * 8 kHz). Measured by {@code PolyphaseResamplerTest} with 16-bit sines of amplitude 16000:
 * <table>
 *   <caption>Measured response</caption>
 *   <tr><th>direction</th><th>passband 100..3400 Hz</th><th>rejection</th></tr>
 *   <tr><td>8000 &rarr; 48000</td><td>-0.028..+0.002 dB (ripple 0.03 dB)</td>
 *       <td>images of 100..3600 Hz tones (all at or above 4.4 kHz): at least 72.2 dB below the tone</td></tr>
 *   <tr><td>48000 &rarr; 8000</td><td>-0.028..+0.002 dB (ripple 0.03 dB)</td>
 *       <td>aliases of 4.6..23.9 kHz tones: at least 77.6 dB below the input</td></tr>
 * </table>
 * The design response (the prototype's own DFT) is -1.1 dB at 3.6 kHz, -6.0 dB at 3.8 kHz, -18.7 dB at 4 kHz
 * and below -73 dB from 4.4 kHz up.
 */
package dev.gateway.media.resample;
