// A sigma.js node program that draws what the Cytoscape view draws: a disc for a statutory actor, a diamond for
// a non-statutory one, and a dashed ring around an actor whose legitimacy is disputed. One WebGL program (one
// triangle per actor, the shape cut out by the fragment shader), so a large map costs no more than with discs.
// Node attributes read: x, y, size, color, and `shape` ('diamond' or not), `ring` (true for a dashed ring),
// `ringColor`.

import { NodeProgram } from 'sigma/rendering';
import { floatColor } from 'sigma/utils';

const VERTEX = /* glsl */ `
attribute vec4 a_id;
attribute vec4 a_color;
attribute vec4 a_ringColor;
attribute vec2 a_position;
attribute float a_size;
attribute float a_shape;
attribute float a_ring;
attribute float a_angle;

uniform mat3 u_matrix;
uniform float u_sizeRatio;
uniform float u_correctionRatio;

varying vec4 v_color;
varying vec4 v_ringColor;
varying vec2 v_diffVector;
varying float v_radius;
varying float v_shape;
varying float v_ring;

const float bias = 255.0 / 254.0;

void main() {
  float size = a_size * u_correctionRatio / u_sizeRatio * 4.0;
  vec2 diffVector = size * vec2(cos(a_angle), sin(a_angle));
  gl_Position = vec4((u_matrix * vec3(a_position + diffVector, 1)).xy, 0, 1);
  v_diffVector = diffVector;
  v_radius = size / 2.0;
  v_shape = a_shape;
  v_ring = a_ring;
  #ifdef PICKING_MODE
  v_color = a_id;
  #else
  v_color = a_color;
  #endif
  v_color.a *= bias;
  v_ringColor = a_ringColor;
  v_ringColor.a *= bias;
}
`;

const FRAGMENT = /* glsl */ `
precision highp float;

varying vec4 v_color;
varying vec4 v_ringColor;
varying vec2 v_diffVector;
varying float v_radius;
varying float v_shape;
varying float v_ring;

uniform float u_correctionRatio;

const vec4 transparent = vec4(0.0, 0.0, 0.0, 0.0);
const float DASHES = 10.0;

void main(void) {
  vec2 p = v_diffVector;
  // Signed distance to the edge of the shape: a disc, or a diamond whose corners touch the disc.
  float dist = v_shape > 0.5 ? (abs(p.x) + abs(p.y) - v_radius) * 0.7071 : length(p) - v_radius;
  float border = u_correctionRatio * 2.0;

  #ifdef PICKING_MODE
  gl_FragColor = dist > 0.0 ? transparent : v_color;
  #else
  vec4 color = v_color;
  if (v_ring > 0.5) {
    float width = max(u_correctionRatio * 2.5, v_radius * 0.3);
    float turn = atan(p.y, p.x) / 6.2831853 + 0.5;
    if (dist > -width && fract(turn * DASHES) < 0.55) color = v_ringColor;
  }
  float t = dist > border ? 1.0 : (dist > 0.0 ? dist / border : 0.0);
  gl_FragColor = mix(color, transparent, t);
  #endif
}
`;

const { UNSIGNED_BYTE, FLOAT } = WebGLRenderingContext;

export class NodeShapeProgram extends NodeProgram {
  getDefinition() {
    return {
      VERTICES: 3,
      VERTEX_SHADER_SOURCE: VERTEX,
      FRAGMENT_SHADER_SOURCE: FRAGMENT,
      METHOD: WebGLRenderingContext.TRIANGLES,
      UNIFORMS: ['u_sizeRatio', 'u_correctionRatio', 'u_matrix'],
      ATTRIBUTES: [
        { name: 'a_position', size: 2, type: FLOAT },
        { name: 'a_size', size: 1, type: FLOAT },
        { name: 'a_color', size: 4, type: UNSIGNED_BYTE, normalized: true },
        { name: 'a_id', size: 4, type: UNSIGNED_BYTE, normalized: true },
        { name: 'a_ringColor', size: 4, type: UNSIGNED_BYTE, normalized: true },
        { name: 'a_shape', size: 1, type: FLOAT },
        { name: 'a_ring', size: 1, type: FLOAT },
      ],
      CONSTANT_ATTRIBUTES: [{ name: 'a_angle', size: 1, type: FLOAT }],
      CONSTANT_DATA: [[0], [(2 * Math.PI) / 3], [(4 * Math.PI) / 3]],
    };
  }

  processVisibleItem(nodeIndex, startIndex, data) {
    const array = this.array;
    array[startIndex++] = data.x;
    array[startIndex++] = data.y;
    array[startIndex++] = data.size;
    array[startIndex++] = floatColor(data.color);
    array[startIndex++] = nodeIndex;
    array[startIndex++] = floatColor(data.ringColor || '#000000');
    array[startIndex++] = data.shape === 'diamond' ? 1 : 0;
    array[startIndex++] = data.ring ? 1 : 0;
  }

  setUniforms(params, { gl, uniformLocations }) {
    gl.uniform1f(uniformLocations.u_correctionRatio, params.correctionRatio);
    gl.uniform1f(uniformLocations.u_sizeRatio, params.sizeRatio);
    gl.uniformMatrix3fv(uniformLocations.u_matrix, false, params.matrix);
  }
}
