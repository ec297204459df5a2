// A sigma.js node program that draws what the Cytoscape view draws: a disc for a statutory actor, a diamond for
// a non-statutory one, and a dashed ring around an actor whose legitimacy is disputed.
//
// Each actor is one triangle around its shape (its disc plus a pixel for the soft edge), written out vertex by
// vertex (sigma-flat.js: no instancing, which a software renderer pays per actor); a square of two triangles
// hugging the shape has fewer pixels but cost twice as much on a software renderer. The fragment shader has no
// branch and no trigonometry: the ten dashes are where cos(10θ) is above a threshold, and cos(10θ) is the real
// part of the pixel's direction raised to the tenth power (three squarings and a product).
// Node attributes read: x, y, size, color, `shape` ('diamond' or not) and `ring` (true for a dashed ring); the
// ring's colour is the same for every actor, given when the program is made.

import { NodeProgram } from 'sigma/rendering';
import { floatColor } from 'sigma/utils';
import { pickingWhenStill, withoutInstancing } from './sigma-flat.js';

const VERTEX = /* glsl */ `
attribute vec4 a_id;
attribute vec4 a_color;
attribute vec2 a_position;
attribute float a_size;
attribute float a_kind;
attribute vec2 a_corner;

uniform mat3 u_matrix;
uniform float u_sizeRatio;
uniform float u_correctionRatio;

varying vec4 v_color;
varying highp vec2 v_p;
varying highp float v_sharpness;
varying float v_diamond;
varying float v_ringFrom;

const float bias = 255.0 / 254.0;

void main() {
  // Distances are in radii: the shape's edge is at 1, a pixel is 1 / radiusPx.
  float radiusPx = max(a_size / u_sizeRatio, 0.01);
  float pixel = 1.0 / radiusPx;
  float diamond = mod(a_kind, 2.0);
  float ring = step(1.5, a_kind);
  // The triangle's corners are at twice the radius: the circle it holds reaches one pixel beyond the shape.
  vec2 corner = a_corner * (1.0 + pixel);
  float radius = a_size * u_correctionRatio / u_sizeRatio * 2.0;
  gl_Position = vec4((u_matrix * vec3(a_position + corner * radius, 1)).xy, 0, 1);
  v_p = corner;
  v_sharpness = radiusPx;
  v_diamond = diamond;
  // The ring is the outer 30 % of the shape (at least 1.25 pixels); beyond the shape (2) for no ring.
  v_ringFrom = ring > 0.5 ? -max(1.25 * pixel, 0.3) : 2.0;
  #ifdef PICKING_MODE
  v_color = a_id;
  #else
  v_color = a_color;
  #endif
  v_color.a *= bias;
}
`;

const FRAGMENT = /* glsl */ `
precision mediump float;

varying vec4 v_color;
varying highp vec2 v_p;
varying highp float v_sharpness;
varying float v_diamond;
varying float v_ringFrom;

uniform vec4 u_ringColor;

// Dashes cover 55 % of the ring: cos(10θ) above cos(0.55π).
const float DASH = -0.156;

void main(void) {
  highp vec2 p = v_p;
  highp float len = length(p);
  // Signed distance to the shape's edge: a disc, or a diamond whose corners touch the disc.
  highp float dist = mix(len - 1.0, (abs(p.x) + abs(p.y) - 1.0) * 0.7071, v_diamond);
  #ifdef PICKING_MODE
  gl_FragColor = v_color * step(dist, 0.0);
  #else
  highp vec2 z = p / max(len, 0.0001);
  highp vec2 z2 = vec2(z.x * z.x - z.y * z.y, 2.0 * z.x * z.y);
  highp vec2 z4 = vec2(z2.x * z2.x - z2.y * z2.y, 2.0 * z2.x * z2.y);
  highp vec2 z8 = vec2(z4.x * z4.x - z4.y * z4.y, 2.0 * z4.x * z4.y);
  float cos10 = z8.x * z2.x - z8.y * z2.y;
  float dash = step(v_ringFrom, dist) * step(DASH, cos10);
  gl_FragColor = mix(v_color, u_ringColor, dash) * clamp(1.0 - dist * v_sharpness, 0.0, 1.0);
  #endif
}
`;

const { UNSIGNED_BYTE, FLOAT } = WebGLRenderingContext;

// An equilateral triangle around the unit circle: its corners at a distance of 2.
const TRIANGLE = [0, 1, 2].map((i) => [2 * Math.cos((2 * Math.PI * i) / 3), 2 * Math.sin((2 * Math.PI * i) / 3)]);

/* The program class for a map whose rings are drawn in `ringColor` ([r, g, b], 0 to 255). */
export function nodeShapeProgram(ringColor) {
  const ring = new Float32Array([ringColor[0] / 255, ringColor[1] / 255, ringColor[2] / 255, 1]);

  class NodeShapeProgram extends NodeProgram {
    getDefinition() {
      return {
        VERTICES: TRIANGLE.length,
        VERTEX_SHADER_SOURCE: VERTEX,
        FRAGMENT_SHADER_SOURCE: FRAGMENT,
        METHOD: WebGLRenderingContext.TRIANGLES,
        UNIFORMS: ['u_sizeRatio', 'u_correctionRatio', 'u_matrix', 'u_ringColor'],
        ATTRIBUTES: [
          { name: 'a_position', size: 2, type: FLOAT },
          { name: 'a_size', size: 1, type: FLOAT },
          { name: 'a_color', size: 4, type: UNSIGNED_BYTE, normalized: true },
          { name: 'a_id', size: 4, type: UNSIGNED_BYTE, normalized: true },
          { name: 'a_kind', size: 1, type: FLOAT },
        ],
        CONSTANT_ATTRIBUTES: [{ name: 'a_corner', size: 2, type: FLOAT }],
        CONSTANT_DATA: TRIANGLE,
      };
    }

    processVisibleItem(nodeIndex, startIndex, data) {
      const array = this.array;
      array[startIndex++] = data.x;
      array[startIndex++] = data.y;
      array[startIndex++] = data.size;
      array[startIndex++] = floatColor(data.color);
      array[startIndex++] = nodeIndex;
      array[startIndex++] = (data.shape === 'diamond' ? 1 : 0) + (data.ring ? 2 : 0);
    }

    setUniforms(params, { gl, uniformLocations }) {
      gl.uniform1f(uniformLocations.u_correctionRatio, params.correctionRatio);
      gl.uniform1f(uniformLocations.u_sizeRatio, params.sizeRatio);
      gl.uniformMatrix3fv(uniformLocations.u_matrix, false, params.matrix);
      // The picking variant has no ring: its compiler drops the uniform.
      if (uniformLocations.u_ringColor) gl.uniform4fv(uniformLocations.u_ringColor, ring);
    }
  }

  return pickingWhenStill(withoutInstancing(NodeShapeProgram));
}
