/**
 * Streaming decoder of an MQTT broker's answer to {@linkcode MQTT_HELLO}:
 * a v3.1.1 CONNECT pipelined with a SUBSCRIBE to `$SYS/broker/version`
 * (the topic nmap's `mqtt-subscribe` script reads). The broker answers
 * CONNACK (return code), then, when it accepted and publishes `$SYS`,
 * SUBACK and a retained PUBLISH whose payload names the broker
 * (`mosquitto version 2.0.11`).
 *
 * @module
 */

import {
  latin1,
  type ServiceDecoder,
  type ServiceError,
  type ServiceResult,
} from "./service_types.ts";

const VERSION_TOPIC = "$SYS/broker/version";

function mqttHello(): Uint8Array {
  const enc = new TextEncoder();
  // CONNECT: "MQTT", level 4 (3.1.1), clean session, keep-alive 60, client id "zon".
  const connect = [0x10, 15, 0, 4, ...enc.encode("MQTT"), 4, 0x02, 0, 60, 0, 3];
  connect.push(...enc.encode("zon"));
  const topic = enc.encode(VERSION_TOPIC);
  // SUBSCRIBE (flags 0b0010), packet id 1, one topic at QoS 0.
  const subscribe = [0x82, 2 + 2 + topic.length + 1, 0, 1, 0, topic.length];
  subscribe.push(...topic, 0);
  return Uint8Array.from([...connect, ...subscribe]);
}

/**
 * The bytes sent to an MQTT port: CONNECT (protocol level 4, client id
 * `zon`) then SUBSCRIBE `$SYS/broker/version` (allowed before CONNACK).
 *
 * @example
 * ```ts
 * import { MQTT_HELLO } from "./mqtt_banner.ts";
 * MQTT_HELLO[0]; // 0x10, CONNECT
 * ```
 */
export const MQTT_HELLO: Uint8Array = mqttHello();

/**
 * CONNACK return codes of MQTT 3.1.1 (§3.2.2.3), by number.
 *
 * @example
 * ```ts
 * import { MQTT_CONNACK_CODES } from "./mqtt_banner.ts";
 * MQTT_CONNACK_CODES[5]; // "not authorized"
 * ```
 */
export const MQTT_CONNACK_CODES: readonly string[] = [
  "accepted",
  "unacceptable protocol version",
  "identifier rejected",
  "server unavailable",
  "bad user name or password",
  "not authorized",
];

/**
 * What {@linkcode MqttDecoder} extracted.
 *
 * @example
 * ```ts
 * import type { MqttReply } from "./mqtt_banner.ts";
 * const ok = (r: MqttReply) => r.returnCode === 0;
 * ```
 */
export interface MqttReply {
  /** CONNACK return code (0 accepted). */
  returnCode?: number;
  /** Its name from {@linkcode MQTT_CONNACK_CODES}. */
  returnCodeName?: string;
  /** CONNACK's session-present flag. */
  sessionPresent?: boolean;
  /** Protocol level the broker accepted (4 = 3.1.1, the level sent) when it answered CONNACK. */
  protocolLevel?: number;
  /** Payload of the `$SYS/broker/version` PUBLISH. */
  brokerVersion?: string;
  /** Control packet types in arrival order (2 CONNACK, 9 SUBACK, 3 PUBLISH). */
  packets: number[];
}

const MqttState = {
  FIXED_HEADER: "fixed-header",
  REMAINING_LENGTH: "remaining-length",
  BODY: "body",
  DONE: "done",
  FAILED: "failed",
} as const;
type MqttState = typeof MqttState[keyof typeof MqttState];

const CONNACK = 2;
const PUBLISH = 3;
const MAX_BODY = 512;
const MAX_PACKETS = 16;

/**
 * Streaming MQTT decoder, one per connection.
 *
 * @example
 * ```ts
 * import { MqttDecoder } from "./mqtt_banner.ts";
 * const d = new MqttDecoder();
 * d.push(Uint8Array.of(0x20, 2, 0, 5));
 * d.result().returnCodeName; // "not authorized"
 * ```
 */
export class MqttDecoder implements ServiceDecoder<MqttReply> {
  #state: MqttState = MqttState.FIXED_HEADER;
  #offset = 0;
  #type = 0;
  #flags = 0;
  #remaining = 0;
  #lengthBytes = 0;
  #multiplier = 1;
  readonly #body = new Uint8Array(MAX_BODY);
  #bodyFill = 0;
  #bodyLeft = 0;
  #reply: MqttReply = { packets: [] };
  #error: ServiceError | undefined;

  /**
   * True after a refused CONNACK or the version PUBLISH.
   *
   * @example
   * ```ts
   * import { MqttDecoder } from "./mqtt_banner.ts";
   * new MqttDecoder().done; // false
   * ```
   */
  get done(): boolean {
    return this.#state === MqttState.DONE || this.#state === MqttState.FAILED;
  }

  /**
   * Starts over for a new connection.
   *
   * @example
   * ```ts
   * import { MqttDecoder } from "./mqtt_banner.ts";
   * new MqttDecoder().reset();
   * ```
   */
  reset(): void {
    this.#state = MqttState.FIXED_HEADER;
    this.#offset = 0;
    this.#bodyFill = 0;
    this.#reply = { packets: [] };
    this.#error = undefined;
  }

  /**
   * Feeds `chunk[start, end)`, any size.
   *
   * @example
   * ```ts
   * import { MqttDecoder } from "./mqtt_banner.ts";
   * new MqttDecoder().push(Uint8Array.of(0x20));
   * ```
   */
  push(chunk: Uint8Array, start: number = 0, end: number = chunk.length): void {
    for (let i = start; i < end && !this.done; i++, this.#offset++) {
      this.#step(chunk[i]);
    }
  }

  #step(byte: number): void {
    switch (this.#state) {
      case MqttState.FIXED_HEADER:
        return this.#fixedHeader(byte);
      case MqttState.REMAINING_LENGTH:
        return this.#remainingLength(byte);
      case MqttState.BODY:
        if (this.#bodyFill < MAX_BODY) this.#body[this.#bodyFill++] = byte;
        if (--this.#bodyLeft === 0) this.#endPacket();
        return;
    }
  }

  #fixedHeader(byte: number): void {
    this.#type = byte >> 4;
    this.#flags = byte & 0x0f;
    const first = this.#reply.packets.length === 0;
    if (first && byte !== 0x20) {
      return this.#fail("expected CONNACK (0x20)", "NOT_THIS_PROTOCOL");
    }
    if (this.#type === 0) {
      return this.#fail("control packet type 0 is reserved");
    }
    if (this.#reply.packets.length >= MAX_PACKETS) {
      this.#state = MqttState.DONE;
      return;
    }
    this.#reply.packets.push(this.#type);
    this.#remaining = 0;
    this.#lengthBytes = 0;
    this.#multiplier = 1;
    this.#state = MqttState.REMAINING_LENGTH;
  }

  #remainingLength(byte: number): void {
    this.#remaining += (byte & 0x7f) * this.#multiplier;
    this.#multiplier *= 128;
    if (byte & 0x80) {
      if (++this.#lengthBytes === 4) {
        this.#fail("remaining length longer than 4 bytes");
      }
      return;
    }
    this.#bodyFill = 0;
    this.#bodyLeft = this.#remaining;
    if (this.#remaining === 0) this.#endPacket();
    else this.#state = MqttState.BODY;
  }

  #endPacket(): void {
    const body = this.#body.subarray(0, this.#bodyFill);
    this.#state = MqttState.FIXED_HEADER;
    if (this.#type === CONNACK) this.#connack(body);
    else if (this.#type === PUBLISH) this.#publish(body);
  }

  #connack(body: Uint8Array): void {
    if (body.length < 2) return this.#fail("CONNACK shorter than 2 bytes");
    const r = this.#reply;
    r.sessionPresent = (body[0] & 1) === 1;
    r.returnCode = body[1];
    r.returnCodeName = MQTT_CONNACK_CODES[body[1]] ?? `reserved ${body[1]}`;
    if (body[1] !== 1) r.protocolLevel = 4;
    if (body[1] !== 0) this.#state = MqttState.DONE;
  }

  #publish(body: Uint8Array): void {
    if (body.length < 2) {
      return this.#fail("PUBLISH shorter than its topic length");
    }
    const topicLength = body[0] << 8 | body[1];
    const qos = (this.#flags >> 1) & 3;
    const payloadAt = 2 + topicLength + (qos > 0 ? 2 : 0);
    if (payloadAt > body.length) return;
    const topic = latin1(body.subarray(2, 2 + topicLength));
    if (topic !== VERSION_TOPIC) return;
    this.#reply.brokerVersion = latin1(body.subarray(payloadAt));
    this.#state = MqttState.DONE;
  }

  #fail(message: string, code: ServiceError["code"] = "MALFORMED"): void {
    this.#error = { code, offset: this.#offset, message };
    this.#state = MqttState.FAILED;
  }

  /**
   * The reply so far. Identity: `mqtt`; product and version from a
   * `<product> version <version>` broker string (nmap instead puts that
   * whole string into the service name).
   *
   * @example
   * ```ts
   * import { MqttDecoder } from "./mqtt_banner.ts";
   * new MqttDecoder().result().service.name; // "mqtt"
   * ```
   */
  result(): ServiceResult<MqttReply> {
    const r = this.#reply;
    const result: ServiceResult<MqttReply> = {
      ...r,
      packets: r.packets.slice(),
      service: { name: "mqtt" },
      complete: r.returnCode !== undefined,
    };
    const broker = r.brokerVersion;
    const at = broker?.indexOf(" version ") ?? -1;
    if (broker !== undefined && at > 0) {
      result.service.product = broker.slice(0, at);
      result.service.version = broker.slice(at + 9);
    }
    if (r.returnCode !== undefined && r.returnCode !== 0) {
      result.service.extra = r.returnCodeName;
    }
    if (this.#error) {
      result.error = this.#error;
      if (this.#error.code === "NOT_THIS_PROTOCOL") {
        result.service = { name: "unknown" };
      }
    }
    return result;
  }
}
